'use client';

import { signOut } from 'next-auth/react';

export function SignOutButton() {
  return (
    <button
      type="button"
      data-testid="signout-button"
      onClick={() => void signOut({ callbackUrl: '/signin' })}
      className="rounded border border-border px-2 py-1 text-xs text-fg-muted hover:bg-surface-hover hover:text-fg"
    >
      Sign out
    </button>
  );
}

'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';

export function SignInButton({ orgName, callbackUrl }: { orgName: string; callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      data-testid="signin-button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn('oidc', { callbackUrl });
      }}
      className="mt-6 w-full rounded-md bg-fg px-4 py-2.5 text-sm font-medium text-bg hover:opacity-90 disabled:opacity-60"
    >
      {pending ? 'Redirecting…' : `Sign in with ${orgName} SSO`}
    </button>
  );
}

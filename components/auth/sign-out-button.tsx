'use client';

/**
 * Sign-out as next-auth's own `signOut()` does it — fetch the CSRF token, POST it to
 * /api/auth/signout (which ends the session and audits it), then leave — without shipping
 * next-auth's client bundle to every page for one button.
 */
async function signOutAndLeave(callbackUrl: string): Promise<void> {
  try {
    const { csrfToken } = (await (await fetch('/api/auth/csrf')).json()) as { csrfToken: string };
    await fetch('/api/auth/signout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-auth-return-redirect': '1' },
      body: new URLSearchParams({ csrfToken, callbackUrl, json: 'true' }),
    });
  } finally {
    window.location.href = callbackUrl;
  }
}

export function SignOutButton() {
  return (
    <button
      type="button"
      data-testid="signout-button"
      onClick={() => void signOutAndLeave('/signin')}
      className="whitespace-nowrap rounded border border-border px-2 py-1 text-xs text-fg-muted hover:bg-surface-hover hover:text-fg"
    >
      Sign out
    </button>
  );
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { SignInButton } from '@/components/auth/sign-in-button';
import { getCurrentUser } from '@/lib/auth/session';
import { safeCallbackPath, signInOriginFor } from '@/lib/auth/public-url';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  SandboxIdentity: 'That is a sandbox identity. Sandbox users can only sign in when Codeflow runs on its sandbox, never against real AWS.',
  AccessDenied: 'Your sign-in was refused.',
  OAuthCallback: 'The sign-in could not be completed. Try again; if it keeps failing, your SSO administrator can check the Codeflow app registration.',
  OAuthSignin: 'Codeflow could not start the sign-in with your SSO provider. Is the issuer reachable?',
  Callback: 'The sign-in could not be completed. Try again.',
  SessionRequired: 'Sign in to continue.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Only pages inside Codeflow: anything else (another origin, control characters) falls back to the overview.
  const callbackUrl = safeCallbackPath(params.callbackUrl, process.env.NEXTAUTH_URL);
  // Opened as 127.0.0.1 while Codeflow's URL says localhost (or the reverse): sign in on the public host, keeping the destination.
  const publicOrigin = signInOriginFor((await headers()).get('host'), process.env.NEXTAUTH_URL);
  if (publicOrigin) redirect(`${publicOrigin}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (await getCurrentUser().catch(() => null)) redirect(callbackUrl);
  const { auth } = getConfig();
  const error = typeof params.error === 'string' ? (ERRORS[params.error] ?? 'The sign-in did not succeed. Try again.') : null;
  const configured = Boolean(auth.issuer && auth.clientId && auth.clientSecret);

  return (
    <main className="mx-auto mt-24 max-w-md px-6">
      <div className="rounded-lg border border-border bg-surface p-8 shadow-sm">
        <h1 className="text-xl font-semibold tracking-tight">Sign in to Codeflow</h1>
        <p className="mt-2 text-sm text-fg-muted">
          Codeflow uses <strong className="text-fg">{auth.orgName}</strong> single sign-on. Your role comes from your groups there.
        </p>
        {error && (
          <p role="alert" data-testid="signin-error" className="mt-4 rounded-md border border-down-border bg-down-bg px-3 py-2 text-sm text-down-fg">
            {error}
          </p>
        )}
        {configured ? (
          <SignInButton orgName={auth.orgName} callbackUrl={callbackUrl} />
        ) : (
          <p className="mt-6 text-sm text-down-fg">Sign-in is not configured: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.</p>
        )}
        {auth.issuer && <p className="mt-4 break-all font-mono text-[11px] text-fg-subtle">{auth.issuer}</p>}
      </div>
    </main>
  );
}

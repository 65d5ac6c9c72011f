import { NextResponse, type NextRequest } from 'next/server';
import { withErrors } from '@/lib/api/handler';
import { localModeFromEnv, startLocalSession } from '@/lib/auth/local-mode';
import { getDb } from '@/lib/db/client';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** GET ?code=… — local mode's one-time sign-in link (printed by `codeflow start --local`) → the overview, signed in. */
export const GET = withErrors(async (req: NextRequest) => {
  const mode = localModeFromEnv();
  if (!mode) throw new AppError('not_found', 'Local sign-in exists only in local mode (codeflow start --local).');
  const code = req.nextUrl.searchParams.get('code');
  if (!code) throw new AppError('invalid', 'The link is missing its code: open the link `codeflow start --local` printed.');
  const host = (req.headers.get('host') ?? '').replace(/:\d+$/, '');
  const session = await startLocalSession(await getDb(), mode, code, host);
  const response = NextResponse.redirect(new URL('/', req.nextUrl.origin), 303);
  response.cookies.set(session.cookie, session.value, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: session.maxAge });
  return response;
});

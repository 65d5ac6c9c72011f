import 'server-only';
import type { NextRequest } from 'next/server';
import { appendAudit } from '../audit/append';
import { can, minimumRole, type Action } from '../auth/can';
import { actorOf, type CurrentUser } from '../auth/identity';
import { isSameOrigin } from '../auth/origin';
import { confirmRoleForWrite, getCurrentUser } from '../auth/session';
import { getDb } from '../db/client';
import { AppError } from '../errors';
import { setRequestUser } from '../observability/context';
import type { RouteHandler } from './handler';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthorizedHandler<Ctx> = (req: NextRequest, ctx: Ctx, user: CurrentUser) => Response | Promise<Response>;

/**
 * Every API route's own authorization, independent of proxy.ts: a user (session or token) → for
 * writes, a same-origin browser request and a role confirmed within five minutes → `can()`.
 * Denials are audited. Compose inside `withErrors`: `withErrors(withUser(handler, { action }))`.
 */
export function withUser<Ctx>(handler: AuthorizedHandler<Ctx>, options: { action: Action }): RouteHandler<Ctx> {
  return async (req, ctx) => {
    let user = await getCurrentUser();
    if (!user) throw new AppError('unauthorized', 'Sign in to use Codeflow (or send a valid API token).');
    setRequestUser(user.subject);
    const write = !SAFE_METHODS.has(req.method);
    if (write) {
      if (user.via.kind === 'session' && !isSameOrigin(req.headers, process.env.NEXTAUTH_URL)) {
        await recordDenial(user, options.action, req, 'cross-site or Origin-less request');
        throw new AppError('forbidden', 'Changes must come from Codeflow’s own pages (the Origin header was missing or from another site).');
      }
      user = await confirmRoleForWrite(user);
    }
    if (!can(user, options.action)) {
      await recordDenial(user, options.action, req, `role ${user.role} lacks ${options.action}`);
      throw new AppError('forbidden', `Your role (${user.role}) may not do this: ${options.action} needs ${minimumRole(options.action)} or above.`);
    }
    return handler(req, ctx, user);
  };
}

async function recordDenial(user: CurrentUser, action: Action, req: NextRequest, reason: string): Promise<void> {
  await appendAudit(await getDb(), {
    actor: actorOf(user),
    action: 'auth.denied',
    target: req.nextUrl.pathname,
    params: { attempted: action, method: req.method },
    reason,
    outcome: 'denied',
  });
}

import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { ACTIONS, can, type Action } from '@/lib/auth/can';

export const dynamic = 'force-dynamic';

/** Who the caller is and what they may do: the CLI and the UI ask this to show only allowed actions. */
export const GET = withErrors(
  withUser(
    async (_req, _ctx, user) =>
      json({
        name: user.name,
        email: user.email,
        issuer: user.issuer,
        subject: user.subject,
        role: user.role,
        via: user.via.kind,
        can: Object.fromEntries((Object.keys(ACTIONS) as Action[]).map((a) => [a, can(user, a)])),
      }),
    { action: 'fleet.read' },
  ),
);

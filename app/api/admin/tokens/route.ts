import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { listEveryToken } from '@/lib/api/tokens/all-tokens';

export const dynamic = 'force-dynamic';

/** GET → { tokens }: every user's tokens with owner, role, last use and expiry (admins). */
export const GET = withErrors(withUser(async () => json({ tokens: await listEveryToken() }), { action: 'users.read' }));

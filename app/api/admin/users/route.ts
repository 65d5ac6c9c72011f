import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { listAdminUsers } from '@/lib/api/users/user-view';

export const dynamic = 'force-dynamic';

/** GET → { users }: everyone who has signed in, newest sign-in first. */
export const GET = withErrors(withUser(async () => json({ users: await listAdminUsers() }), { action: 'users.read' }));

import type { Metadata } from 'next';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { RosterEditor } from '@/components/incidents/roster-editor';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Escalation roster' };

/** Everyone may see who gets paged; only admins change it. */
export default async function RosterPage() {
  const { user, allowed } = await authorizePage('/admin/roster', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view the roster" action="fleet.read" role={user.role} />;
  return <RosterEditor canEdit={can(user, 'settings.write')} />;
}

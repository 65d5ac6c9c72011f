import type { Metadata } from 'next';
import { authorizePage } from '@/lib/auth/session';
import { IncidentsView } from '@/components/incidents/incidents-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Incidents' };

export default async function IncidentsPage() {
  const { user, allowed } = await authorizePage('/incidents', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view incidents" action="fleet.read" role={user.role} />;
  return <IncidentsView />;
}

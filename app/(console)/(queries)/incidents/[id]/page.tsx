import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { getDb } from '@/lib/db/client';
import { findIncidentId } from '@/lib/incidents/lookup';
import { IncidentView } from '@/components/incidents/incident-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

type Params = Promise<{ id: string }>;

export const metadata: Metadata = { title: 'Incident' };

/** /incidents/2 is incident #2, as the UI and the CLI call it; its id works too. Anything else is a 404. */
export default async function IncidentPage({ params }: { params: Params }) {
  const { id: ref } = await params;
  const { user, allowed } = await authorizePage(`/incidents/${encodeURIComponent(ref)}`, 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view incidents" action="fleet.read" role={user.role} />;
  const id = await findIncidentId(await getDb(), decoded(ref));
  if (!id) notFound();
  return <IncidentView id={id} canWrite={can(user, 'incident.acknowledge')} canEscalate={can(user, 'incident.escalate')} />;
}

/** "%232" is "#2" when the param arrives still encoded; a malformed escape is simply not an incident. */
function decoded(ref: string): string {
  try {
    return decodeURIComponent(ref);
  } catch {
    return ref;
  }
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { IncidentView } from '@/components/incidents/incident-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

type Params = Promise<{ id: string }>;

export const metadata: Metadata = { title: 'Incident' };

// Whatever INC-CORE's ids look like, they are URL-safe and short; anything else cannot exist.
const idSchema = z.string().regex(/^[\w-]{1,100}$/);

export default async function IncidentPage({ params }: { params: Params }) {
  const { id } = await params;
  const { user, allowed } = await authorizePage(`/incidents/${encodeURIComponent(id)}`, 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view incidents" action="fleet.read" role={user.role} />;
  if (!idSchema.safeParse(id).success) notFound();
  return <IncidentView id={id} canWrite={can(user, 'incident.acknowledge')} canEscalate={can(user, 'incident.escalate')} />;
}

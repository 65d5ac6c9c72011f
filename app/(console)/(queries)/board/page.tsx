import type { Metadata } from 'next';
import { authorizePage } from '@/lib/auth/session';
import { EscalationBoard } from '@/components/incidents/escalation-board';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Escalation board' };

export default async function BoardPage() {
  const { user, allowed } = await authorizePage('/board', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view the escalation board" action="fleet.read" role={user.role} />;
  return <EscalationBoard />;
}

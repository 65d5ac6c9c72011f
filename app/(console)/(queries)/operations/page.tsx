import type { Metadata } from 'next';
import { authorizePage } from '@/lib/auth/session';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';
import { OperationsView } from '@/components/ops/operations-view';

export const metadata: Metadata = { title: 'Operations' };

export default async function OperationsPage() {
  const { user, allowed } = await authorizePage('/operations', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view operations" action="fleet.read" role={user.role} />;
  return <OperationsView viewer={{ subject: user.subject, role: user.role }} isAdmin={user.role === 'admin'} />;
}

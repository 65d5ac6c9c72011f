import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { listAudit } from '@/lib/audit/list';
import { getDb } from '@/lib/db/client';
import { DEFAULT_AUDIT_PAGE, parseAuditFilters } from '@/lib/api/audit/filters';
import { auditLogQuery } from '@/lib/api/audit/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { AuditLogView } from '@/components/audit/audit-log-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const { user, allowed } = await authorizePage('/audit', 'audit.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view the audit log" action="audit.read" role={user.role} />;

  const raw = await searchParams;
  const filters = parseAuditFilters(new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))));
  const queryClient = getQueryClient();
  // In-process, so the first paint has the newest entries; a failure is retried by the browser.
  await queryClient.prefetchInfiniteQuery({
    ...auditLogQuery(filters),
    queryFn: async () => listAudit(await getDb(), { ...filters, limit: DEFAULT_AUDIT_PAGE }),
  });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AuditLogView />
    </HydrationBoundary>
  );
}

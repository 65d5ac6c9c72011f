import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { getFindingsAcross } from '@/lib/telemetry/findings';
import { placesFromSearchOrNull } from '@/lib/api/place-params';
import { parseFindingFilters } from '@/lib/api/findings/filters';
import { findingsQuery } from '@/lib/api/findings/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { SecurityView } from '@/components/security/security-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Security' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SecurityPage({ searchParams }: { searchParams: SearchParams }) {
  const { user, allowed } = await authorizePage('/security', 'findings.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view security findings" action="findings.read" role={user.role} />;

  const raw = await searchParams;
  const filters = parseFindingFilters(new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))));
  const queryClient = getQueryClient();
  // In-process; a panel GuardDuty fails to answer arrives with its own error, not as a failed page.
  // A filter naming no configured account is left to the client, which shows the API's 404.
  const places = placesFromSearchOrNull(filters as Record<string, string | undefined>);
  if (places) await queryClient.prefetchQuery({ ...findingsQuery(filters), queryFn: () => getFindingsAcross(filters, places) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SecurityView canArchive={can(user, 'findings.archive')} />
    </HydrationBoundary>
  );
}

import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { notFound } from 'next/navigation';
import { getLogsContext, listGroups } from '@/lib/telemetry/logs';
import { placeOptions, type Place } from '@/lib/accounts/places';
import { placeFromSearch } from '@/lib/api/place-params';
import { logGroupsQuery } from '@/lib/api/logs/queries';
import { logGroupNameSchema } from '@/lib/api/logs/schemas';
import { getQueryClient } from '@/lib/api/query-client';
import { LogsView } from '@/components/logs/logs-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Logs' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LogsPage({ searchParams }: { searchParams: SearchParams }) {
  const { user, allowed } = await authorizePage('/logs', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view logs" action="fleet.read" role={user.role} />;

  const raw = await searchParams;
  const param = (key: string) => (typeof raw[key] === 'string' ? raw[key] : '');
  // Lenient, like the other pages' URL filters: a hand-edited bad value is dropped.
  const group = logGroupNameSchema.safeParse(param('group')).data ?? '';
  const stream = param('stream').slice(0, 512);
  const end = /^\d+$/.test(param('end')) ? Number(param('end')) : Date.parse(param('end'));

  // One account and Region at a time; an unknown one is a 404 naming what is configured.
  let place: Place;
  try {
    place = placeFromSearch(raw);
  } catch {
    notFound();
  }
  const ref = place.home ? null : place;
  const queryClient = getQueryClient();
  // In-process; if CloudWatch fails the browser shows the error and retries.
  await queryClient.prefetchQuery({ ...logGroupsQuery(ref), queryFn: () => listGroups(getLogsContext(place)) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LogsView initialGroup={group} initialStream={stream} initialEnd={Number.isFinite(end) ? end : null} canQuery={can(user, 'logs.query')} place={placeOptions([place])[0]!} />
    </HydrationBoundary>
  );
}

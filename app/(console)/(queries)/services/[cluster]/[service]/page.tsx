import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { requireUser } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { getConfig } from '@/lib/config';
import { getServiceDetail } from '@/lib/fleet/service-detail';
import { isAppError } from '@/lib/errors';
import { serviceParamsSchema } from '@/lib/api/params';
import { serviceDetailQuery } from '@/lib/api/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { ServiceDetailView } from '@/components/service/service-detail-view';
import { metricsQuerySchema, type MetricsQueryInput } from '@/lib/api/metrics/schemas';
import { serviceMetricsQuery } from '@/lib/api/metrics/queries';
import { serviceAlarmsQuery } from '@/lib/api/alarms/queries';
import { getServiceMetrics } from '@/lib/telemetry/metrics';
import { alarmsForService, getAlarmsContext } from '@/lib/telemetry/alarms';
import { getMetricsContext } from '@/lib/telemetry/metrics';
import { getFleetContext } from '@/lib/fleet/context';
import { placeFromSearch } from '@/lib/api/place-params';
import { placeLabel, type Place } from '@/lib/accounts/places';

type Params = Promise<{ cluster: string; service: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { cluster, service } = await params;
  return { title: `${service} · ${cluster}` };
}

/*
 * No loading.tsx above this page on purpose: the data is awaited before anything streams, so a
 * missing service answers with a real 404 status rather than a 200 that renders "not found".
 */
export default async function ServicePage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const raw = await params;
  // Signing in comes back here with the request's query (its account and Region among it).
  const user = await requireUser(`/services/${encodeURIComponent(raw.cluster)}/${encodeURIComponent(raw.service)}`);
  const search = await searchParams;
  const parsed = serviceParamsSchema.safeParse(raw);
  if (!parsed.success) notFound();
  const { cluster, service } = parsed.data;

  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  // ?account=&region=: a service outside the home account and Region (an unknown one is a 404).
  let where: Place;
  try {
    where = placeFromSearch(search);
  } catch {
    notFound();
  }
  const place = where.home ? null : { accountId: where.accountId, region: where.region };
  const config = getConfig();
  // The same range the charts read from the URL (a bad one falls back to 1 h there too).
  const parsedRange = metricsQuerySchema.safeParse({ range: one(search.range), from: one(search.from), to: one(search.to) });
  const range: MetricsQueryInput = parsedRange.success ? parsedRange.data : { range: '1h' };

  const queryClient = getQueryClient();
  // Metrics and alarms are read in-process alongside the detail, so the first paint has them; a
  // failure is not dehydrated (the browser asks the API again and shows that panel's error).
  const [detail] = await Promise.all([
    getServiceDetail(cluster, service, getFleetContext(where)).catch((e: unknown) => {
      if (isAppError(e) && e.code === 'not_found') notFound();
      throw e;
    }),
    queryClient.prefetchQuery({ ...serviceMetricsQuery(cluster, service, range, place), queryFn: () => getServiceMetrics(cluster, service, range, getMetricsContext(where)) }),
    queryClient.prefetchQuery({ ...serviceAlarmsQuery(cluster, service, place), queryFn: () => alarmsForService(cluster, service, getAlarmsContext(where)) }),
  ]);
  queryClient.setQueryData(serviceDetailQuery(cluster, service, place).queryKey, detail);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ServiceDetailView
        cluster={cluster}
        service={service}
        place={place}
        where={{ accountId: where.accountId, region: where.region }}
        placeName={config.places.length > 1 ? placeLabel(where) : undefined}
        permissions={{
          deploy: can(user, 'service.deploy', cluster),
          rollback: can(user, 'service.rollback', cluster),
          scale: can(user, 'service.scale', cluster),
          switchTraffic: can(user, 'traffic.switch', cluster),
          alarms: can(user, 'alarms.write', cluster),
        }}
        maxDesiredCount={config.policy.hardMaxDesiredCount}
      />
    </HydrationBoundary>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { requireUser } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { getServiceDetail } from '@/lib/fleet/service-detail';
import { isAppError } from '@/lib/errors';
import { serviceParamsSchema } from '@/lib/api/params';
import { serviceDetailQuery } from '@/lib/api/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { ServiceDetailView } from '@/components/service/service-detail-view';

type Params = Promise<{ cluster: string; service: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { cluster, service } = await params;
  return { title: `${service} · ${cluster}` };
}

/*
 * No loading.tsx above this page on purpose: the data is awaited before anything streams, so a
 * missing service answers with a real 404 status rather than a 200 that renders "not found".
 */
export default async function ServicePage({ params }: { params: Params }) {
  const raw = await params;
  const user = await requireUser(`/services/${encodeURIComponent(raw.cluster)}/${encodeURIComponent(raw.service)}`);
  const parsed = serviceParamsSchema.safeParse(raw);
  if (!parsed.success) notFound();
  const { cluster, service } = parsed.data;

  const detail = await getServiceDetail(cluster, service).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });

  const queryClient = getQueryClient();
  queryClient.setQueryData(serviceDetailQuery(cluster, service).queryKey, detail);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ServiceDetailView
        cluster={cluster}
        service={service}
        permissions={{
          deploy: can(user, 'service.deploy', cluster),
          rollback: can(user, 'service.rollback', cluster),
          scale: can(user, 'service.scale', cluster),
          switchTraffic: can(user, 'traffic.switch', cluster),
        }}
      />
    </HydrationBoundary>
  );
}

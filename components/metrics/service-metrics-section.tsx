'use client';

import dynamic from 'next/dynamic';
import type { PlaceRef } from '@/lib/accounts/places';
import { Card, CardHeader } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';

/** recharts loads only here, after the page is interactive, so the overview's bundle never carries it. */
const ServiceMetrics = dynamic(() => import('./service-metrics'), {
  ssr: false,
  loading: () => (
    <Card>
      <CardHeader title="Metrics" />
      <div aria-busy="true" className="grid grid-cols-1 gap-3 p-3 md:grid-cols-2 xl:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-[180px] w-full" />
        ))}
      </div>
    </Card>
  ),
});

export function ServiceMetricsSection({ cluster, service, place }: { cluster: string; service: string; place?: PlaceRef | null }) {
  return <ServiceMetrics cluster={cluster} service={service} place={place} />;
}

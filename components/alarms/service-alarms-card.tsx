'use client';

import type { PlaceRef } from '@/lib/accounts/places';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { serviceAlarmsQuery } from '@/lib/api/alarms/queries';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { RelativeTime } from '@/components/ui/relative-time';
import { AlarmStateBadge } from './alarm-state-badge';
import { AlarmsStatusNote } from './alarms-status-note';
import { OpenIncidentButton } from '@/components/incidents/open-incident-button';
import { prefillFromAlarm } from '@/components/incidents/alarm-prefill';

/** The service's alarms, ALARM first, each with its state and reason. */
export function ServiceAlarmsCard({ cluster, service, place }: { cluster: string; service: string; place?: PlaceRef | null }) {
  const query = useQuery(serviceAlarmsQuery(cluster, service, place));
  const data = query.data;
  const firing = data?.alarms.filter((a) => a.state === 'ALARM').length ?? 0;
  return (
    <Card data-testid="service-alarms" data-firing={firing}>
      <CardHeader
        title="Alarms"
        meta={data ? (firing > 0 ? <span className="font-semibold text-down-fg">{firing} in ALARM</span> : `${data.alarms.length} alarms`) : undefined}
        actions={
          <Link href="/alarms" className="text-xs text-accent hover:underline">
            All alarms
          </Link>
        }
      />
      {data && (data.stale || data.fetchedAt === null) && (
        <div className="border-b border-border px-4 py-1.5">
          <AlarmsStatusNote report={data} receivedAt={query.dataUpdatedAt} />
        </div>
      )}
      <QueryList query={query} items={data?.alarms} errorTitle="Alarms could not be loaded" empty="No CloudWatch alarms concern this service.">
        {(alarms) => (
          <ul className="divide-y divide-border">
            {alarms.map((a) => (
              <li key={a.name} data-testid="alarm-row" data-alarm={a.name} data-state={a.state} className="px-4 py-2 text-[12px]">
                <div className="flex flex-wrap items-center gap-2">
                  <AlarmStateBadge state={a.state} />
                  <span className="min-w-0 break-words font-mono font-semibold">{a.name}</span>
                  <RelativeTime iso={a.updatedAt} className="ml-auto text-xs tabular-nums text-fg-subtle" />
                </div>
                <p className="mt-0.5 text-xs text-fg-subtle">{a.condition}</p>
                {a.state !== 'OK' && <p className="mt-0.5 break-words text-fg-muted">{a.reason}</p>}
                {a.state === 'ALARM' && (
                  <div className="mt-1">
                    <OpenIncidentButton small prefill={prefillFromAlarm(a)} testId="alarm-open-incident" />
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryList>
    </Card>
  );
}

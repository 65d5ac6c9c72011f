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
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import type { AlarmSpec, AlarmsChange } from '@/lib/ops/alarm-contract';
import { ActionDialog, type ServiceActionContext } from '@/components/ops/action-dialog';
import { readOnlyQuery } from '@/components/ops/ops-api';
import { smallButtonClass } from '@/components/ui/controls';
import { AlarmEditor, type LoadBalancerDimensions } from './alarm-editor';

/**
 * The service's alarms, ALARM first, each with its state and reason. For someone who may change
 * alarms (`writeContext`, decided on the server; the API checks again): the recommended set, a new
 * alarm, and per alarm edit, actions on/off and delete — each a guarded operation planned in the
 * action dialog.
 */
export function ServiceAlarmsCard({
  cluster,
  service,
  place,
  writeContext,
  loadBalancer = null,
}: {
  cluster: string;
  service: string;
  place?: PlaceRef | null;
  writeContext?: ServiceActionContext | null;
  /** The service's load balancer metrics, when it has a target group: a new alarm may watch them. */
  loadBalancer?: LoadBalancerDimensions | null;
}) {
  const query = useQuery(serviceAlarmsQuery(cluster, service, place));
  const router = useRouter();
  const readOnly = useQuery({ ...readOnlyQuery(), enabled: !!writeContext }).data;
  const readOnlyReason = readOnly?.readOnly ? (readOnly.reason ?? 'an admin turned on read-only mode') : null;
  const [editing, setEditing] = useState<AlarmSpec | 'new' | null>(null);
  const [change, setChange] = useState<AlarmsChange | null>(null);
  const data = query.data;
  const firing = data?.alarms.filter((a) => a.state === 'ALARM').length ?? 0;
  const act = (c: AlarmsChange) => {
    setEditing(null);
    setChange(c);
  };
  return (
    <Card data-testid="service-alarms" data-firing={firing}>
      <CardHeader
        title="Alarms"
        meta={data ? (firing > 0 ? <span className="font-semibold text-down-fg">{firing} in ALARM</span> : `${data.alarms.length} alarms`) : undefined}
        actions={
          <span className="flex items-center gap-2">
            {writeContext && (
              <>
                <button type="button" data-testid="alarms-recommended" onClick={() => act({ recommended: true })} className={smallButtonClass}>
                  Recommended…
                </button>
                <button type="button" data-testid="alarms-new" onClick={() => setEditing('new')} className={smallButtonClass}>
                  New…
                </button>
              </>
            )}
            <Link href="/alarms" className="text-xs text-accent hover:underline">
              All alarms
            </Link>
          </span>
        }
      />
      {writeContext && editing && (
        <AlarmEditor key={editing === 'new' ? 'new' : editing.name} cluster={cluster} service={service} loadBalancer={loadBalancer} existing={editing === 'new' ? null : editing} onCancel={() => setEditing(null)} onReview={(spec) => act({ put: [spec] })} />
      )}
      {writeContext && change && (
        <ActionDialog
          key={JSON.stringify(change)}
          kind="alarms"
          context={{ ...writeContext, alarms: change }}
          readOnlyReason={readOnlyReason}
          onClose={() => setChange(null)}
          onSubmitted={(op) => router.push(`/operations/${op.id}`)}
        />
      )}
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
                {!a.actionsEnabled && <p className="mt-0.5 text-xs text-degraded-fg">actions off: a state change notifies no one</p>}
                {(a.state === 'ALARM' || (writeContext && a.spec)) && (
                  <div className="mt-1 flex flex-wrap gap-1.5">
                    {a.state === 'ALARM' && <OpenIncidentButton small prefill={prefillFromAlarm(a)} testId="alarm-open-incident" />}
                    {writeContext && a.spec && (
                      <>
                        <button type="button" data-testid="alarm-edit" onClick={() => setEditing(a.spec!)} className={smallButtonClass}>
                          Edit…
                        </button>
                        <button type="button" data-testid="alarm-actions-toggle" onClick={() => act(a.actionsEnabled ? { disableActions: [a.name] } : { enableActions: [a.name] })} className={smallButtonClass}>
                          {a.actionsEnabled ? 'Actions off…' : 'Actions on…'}
                        </button>
                        <button type="button" data-testid="alarm-delete" onClick={() => act({ delete: [a.name] })} className={smallButtonClass}>
                          Delete…
                        </button>
                      </>
                    )}
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

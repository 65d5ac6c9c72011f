'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import type { PlacedAlarm } from '@/lib/telemetry/alarms';
import { PlaceLabel } from '@/components/places/place-filter-selects';
import { useHomePlace, useServiceHref } from '@/components/places/home-place';
import { Table, THead, Th, Tr, Td } from '@/components/ui/table';
import { RelativeTime } from '@/components/ui/relative-time';
import { AlarmStateBadge } from './alarm-state-badge';
import { AlarmHistory } from './alarm-history';
import { OpenIncidentButton } from '@/components/incidents/open-incident-button';
import { prefillFromAlarm } from '@/components/incidents/alarm-prefill';
import { useCan } from '@/components/incidents/use-can';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { readOnlyQuery } from '@/components/ops/ops-api';
import { smallButtonClass } from '@/components/ui/controls';
import type { AlarmsChange } from '@/lib/ops/alarm-contract';

// Loaded when an operator first opens it: the alarms list itself does not carry the dialog's code.
const ActionDialog = dynamic(() => import('@/components/ops/action-dialog').then((m) => m.ActionDialog), { ssr: false });

/** An alarm's actions turned off or on from this page: an alarms operation on the one service it watches. */
interface ActionsToggle {
  alarm: PlacedAlarm;
  change: AlarmsChange;
}

export function AlarmsTable({ alarms }: { alarms: PlacedAlarm[] }) {
  const home = useHomePlace();
  const serviceHref = useServiceHref();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  // Responders and up may open an incident from an alarm in ALARM.
  const canOpenIncident = useCan('incident.open');
  // Operators may silence a noisy alarm (its actions off) or turn its actions back on, here where it shows; the API checks again.
  const canWriteAlarms = useCan('alarms.write');
  const actionsColumn = canOpenIncident || canWriteAlarms;
  const router = useRouter();
  const readOnly = useQuery({ ...readOnlyQuery(), enabled: canWriteAlarms }).data;
  const [toggling, setToggling] = useState<ActionsToggle | null>(null);
  const toggle = (name: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <>
      <Table>
        <THead>
          <tr>
            <Th className="w-[150px]">State</Th>
            <Th className="w-[22%]">Alarm</Th>
            <Th>Reason</Th>
            <Th className="w-[96px]">Updated</Th>
            <Th className="w-[18%]">Services</Th>
            {actionsColumn && <Th className="w-[136px]">Act</Th>}
          </tr>
        </THead>
        <tbody>
          {alarms.map((a) => {
            const key = `${a.account}/${a.region}/${a.name}`;
            const expanded = open.has(key);
            const place = { accountId: a.account, region: a.region };
            return (
              <Fragment key={key}>
                <Tr data-testid="alarm-row" data-alarm={a.name} data-state={a.state} data-account={a.account} data-region={a.region} className={expanded ? 'border-b-0' : undefined}>
                  <Td>
                    <button
                      type="button"
                      aria-expanded={expanded}
                      aria-label={`${expanded ? 'Hide' : 'Show'} history of ${a.name}`}
                      onClick={() => toggle(key)}
                      className="inline-flex items-center gap-1.5 rounded text-fg-subtle hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
                    >
                      <span aria-hidden className={`inline-block w-3 text-[10px] transition-transform ${expanded ? 'rotate-90' : ''}`}>
                        ▶
                      </span>
                      <AlarmStateBadge state={a.state} />
                    </button>
                  </Td>
                  <Td>
                    <div className="break-words font-mono text-[12px] font-semibold">{a.name}</div>
                    <PlaceLabel place={a} />
                    <div className="mt-0.5 break-words text-xs text-fg-subtle">{a.condition}</div>
                  </Td>
                  <Td className="break-words text-[12px] text-fg-muted">{a.reason}</Td>
                  <Td className="text-[12px] tabular-nums">
                    <RelativeTime iso={a.updatedAt} />
                  </Td>
                  <Td className="text-[12px]">
                    {a.services.length === 0 ? (
                      <span className="text-fg-subtle">—</span>
                    ) : (
                      <ul className="flex flex-col gap-0.5">
                        {a.services.map((s) => (
                          <li key={`${s.cluster}/${s.service}`} className="truncate">
                            <Link
                              href={serviceHref({ account: a.account, region: a.region, cluster: s.cluster, service: s.service })}
                              className="font-mono text-accent hover:underline"
                              title={`${s.cluster}/${s.service}`}
                            >
                              {s.service}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </Td>
                  {actionsColumn && (
                    <Td>
                      <div className="flex flex-col items-start gap-1">
                        {canOpenIncident && a.state === 'ALARM' && <OpenIncidentButton small prefill={prefillFromAlarm(a, home && (a.account !== home.accountId || a.region !== home.region) ? place : null)} testId="alarm-open-incident" />}
                        {!a.actionsEnabled && <span className="text-[11px] text-degraded-fg">actions off</span>}
                        {/* An alarm change is one service's operation: offered when the alarm watches exactly one. */}
                        {canWriteAlarms && a.services.length === 1 && (
                          <button
                            type="button"
                            data-testid="alarm-actions-toggle"
                            onClick={() => setToggling({ alarm: a, change: a.actionsEnabled ? { disableActions: [a.name] } : { enableActions: [a.name] } })}
                            className={smallButtonClass}
                          >
                            {a.actionsEnabled ? 'Actions off…' : 'Actions on…'}
                          </button>
                        )}
                      </div>
                    </Td>
                  )}
                </Tr>
                {expanded && (
                  <Tr>
                    <Td colSpan={actionsColumn ? 6 : 5} className="bg-surface-2/40 pt-0">
                      <AlarmHistory name={a.name} place={place} />
                    </Td>
                  </Tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </Table>
      {toggling && (
        <ActionDialog
          kind="alarms"
          context={{
            ...(home && (toggling.alarm.account !== home.accountId || toggling.alarm.region !== home.region) ? { place: { accountId: toggling.alarm.account, region: toggling.alarm.region } } : {}),
            cluster: toggling.alarm.services[0]!.cluster,
            service: toggling.alarm.services[0]!.service,
            containers: [],
            desiredCount: 0,
            targetGroups: [],
            alarms: toggling.change,
          }}
          readOnlyReason={readOnly?.readOnly ? (readOnly.reason ?? 'an admin turned on read-only mode') : null}
          onClose={() => setToggling(null)}
          onSubmitted={(op) => router.push(`/operations/${op.id}`)}
        />
      )}
    </>
  );
}

'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ROLE_LABELS, type Incident } from '@/lib/incidents/types';
import { Card } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { Table, THead, Th, Tr, Td } from '@/components/ui/table';
import { formatUtc } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';
import { incidentsQuery } from './queries';
import { IncidentSeverityBadge, IncidentStatusBadge, severityEdge } from './incident-badges';
import { ServiceLinks } from './services-picker';
import { OpenIncidentButton } from './open-incident-button';
import { currentTier } from './engaged';
import { formatCountdown, formatDuration } from './format';

export function IncidentsView() {
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const query = useQuery(incidentsQuery(status));
  const incidents = query.data?.incidents;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Incidents</h1>
        <div role="group" aria-label="Which incidents" className="flex rounded-md border border-border p-0.5">
          {(['open', 'all'] as const).map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={status === s}
              data-testid={`incidents-filter-${s}`}
              onClick={() => setStatus(s)}
              className={cn('rounded px-2.5 py-0.5 text-[12px]', status === s ? 'bg-surface-2 font-medium text-fg' : 'text-fg-muted hover:text-fg')}
            >
              {s === 'open' ? 'Unresolved' : 'All'}
            </button>
          ))}
        </div>
        <Link href="/board" className="text-xs text-accent hover:underline">
          Escalation board →
        </Link>
        <div className="ml-auto">
          <OpenIncidentButton prefill={{ source: { kind: 'manual', ref: null } }} />
        </div>
      </div>
      <Card className="overflow-hidden">
        <QueryList
          query={query}
          items={incidents}
          errorTitle="Incidents could not be loaded"
          empty={status === 'open' ? 'No unresolved incidents.' : 'No incidents yet.'}
          skeletonRows={3}
        >
          {(list) => <IncidentsTable incidents={list} />}
        </QueryList>
      </Card>
    </div>
  );
}

function IncidentsTable({ incidents }: { incidents: Incident[] }) {
  const now = useNow();
  return (
    <Table>
      <THead>
        <tr>
          <Th className="w-[110px]">Severity</Th>
          <Th>Incident</Th>
          <Th className="w-[110px]">Status</Th>
          <Th className="w-[18%]">Services</Th>
          <Th className="w-[130px]">Commander</Th>
          <Th className="w-[100px]">Open for</Th>
          <Th className="w-[190px]">Escalation</Th>
        </tr>
      </THead>
      <tbody>
        {incidents.map((i) => {
          const tier = currentTier(i);
          const end = i.resolvedAt ? Date.parse(i.resolvedAt) : now;
          return (
            <Tr key={i.id} data-testid="incident-row" data-incident-id={i.id} data-status={i.status} className={i.status === 'resolved' ? undefined : severityEdge[i.severity]}>
              <Td>
                <IncidentSeverityBadge severity={i.severity} />
              </Td>
              <Td>
                <Link href={`/incidents/${i.number}`} className="font-medium text-fg hover:text-accent hover:underline">
                  <span className="mr-1.5 font-mono text-fg-subtle">#{i.number}</span>
                  {i.title}
                </Link>
                <div className="mt-0.5 text-xs text-fg-subtle">opened {formatUtc(i.openedAt)}{i.openedBy.name ? ` by ${i.openedBy.name}` : ''}</div>
              </Td>
              <Td>
                <IncidentStatusBadge status={i.status} />
              </Td>
              <Td className="text-[12px]">
                <ServiceLinks services={i.services} />
              </Td>
              <Td className="text-[12px]">{i.commander?.name ?? <span className="text-fg-subtle">—</span>}</Td>
              <Td className="text-[12px] tabular-nums" suppressHydrationWarning>
                {formatDuration(end - Date.parse(i.openedAt))}
              </Td>
              <Td className="text-[12px]">
                <div>{tier ? `${ROLE_LABELS[tier.role]} paged` : <span className="text-fg-subtle">no tier yet</span>}</div>
                {i.next && (
                  <div className="text-fg-subtle tabular-nums" suppressHydrationWarning>
                    {ROLE_LABELS[i.next.role]} {formatCountdown(Date.parse(i.next.at) - now)}
                  </div>
                )}
              </Td>
            </Tr>
          );
        })}
      </tbody>
    </Table>
  );
}

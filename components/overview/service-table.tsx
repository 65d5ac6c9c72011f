'use client';

import Link from 'next/link';
import type { PlaceRef } from '@/lib/accounts/places';
import { serviceHref } from '@/lib/fleet/service-href';
import { serviceKeyOf } from '@/lib/fleet/service-key';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type MouseEvent, type RefObject } from 'react';
import type { PlaceStatus, ServiceHealth, Verdict } from '@/lib/fleet/types';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { LinkPending } from '@/components/ui/link-pending';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/components/ui/cn';
import { VerdictBadge } from '@/components/fleet/verdict-badge';
import { RolloutCell } from '@/components/fleet/rollout-cell';
import { TaskCounts } from '@/components/fleet/task-counts';
import { AlarmsCell, FindingsCell, TargetsCell } from '@/components/fleet/telemetry-cells';
import type { SortKey } from './overview-view';

/** A coloured edge on rows that need attention, so they stand out while scrolling. */
const rowEdge: Record<Verdict, string> = {
  down: 'shadow-[inset_3px_0_0_var(--down-solid)]',
  degraded: 'shadow-[inset_3px_0_0_var(--degraded-solid)]',
  deploying: 'shadow-[inset_3px_0_0_var(--deploying-solid)]',
  unknown: 'shadow-[inset_3px_0_0_var(--unknown-solid)]',
  healthy: '',
};

/** Rows have one height when windowed, so the rows off screen can be stood in for by two spacers. */
const ROW_HEIGHT = 56;
/** Up to this many rows are all rendered (find-in-page works); past it only those near the viewport. */
const WINDOW_FROM = 150;
const OVERSCAN = 20;

/**
 * The slice of `count` rows near the viewport, recomputed on any scroll (captured, so it works
 * whichever element scrolls) and resize. Filtering and sorting stay in memory; only rendering is windowed.
 */
function useWindowedRows(count: number, body: RefObject<HTMLTableSectionElement | null>): [number, number] {
  const windowed = count > WINDOW_FROM;
  const [range, setRange] = useState<[number, number]>([0, Math.min(count, 2 * OVERSCAN + 20)]);
  useEffect(() => {
    if (!windowed) return;
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const el = body.current;
        if (!el) return;
        const top = el.getBoundingClientRect().top;
        const first = Math.min(count, Math.max(0, Math.floor(-top / ROW_HEIGHT) - OVERSCAN));
        const last = Math.min(count, Math.max(first, Math.ceil((window.innerHeight - top) / ROW_HEIGHT) + OVERSCAN));
        setRange((r) => (r[0] === first && r[1] === last ? r : [first, last]));
      });
    };
    update();
    document.addEventListener('scroll', update, { capture: true, passive: true });
    window.addEventListener('resize', update);
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('scroll', update, { capture: true });
      window.removeEventListener('resize', update);
    };
  }, [windowed, count, body]);
  return windowed ? [Math.min(range[0], count), Math.min(range[1], count)] : [0, count];
}

export function ServiceTable({
  services,
  staleClusters,
  places = null,
  home = null,
  sort,
  onSort,
}: {
  services: ServiceHealth[];
  /** `account/region/cluster` of the clusters whose data is stale. */
  staleClusters: ReadonlySet<string>;
  /** Several accounts or Regions: each row says where ("staging · us-east-1"). */
  places?: PlaceStatus[] | null;
  /** Links to services elsewhere name their account and Region. */
  home?: PlaceRef | null;
  sort: SortKey;
  onSort: (sort: SortKey) => void;
}) {
  const body = useRef<HTMLTableSectionElement>(null);
  const placeNames = new Map((places ?? []).map((p) => [`${p.account}/${p.region}`, `${p.accountName} · ${p.region}`]));
  const [first, last] = useWindowedRows(services.length, body);
  const windowed = services.length > WINDOW_FROM;
  const router = useRouter();
  return (
    <Table>
      <colgroup>
        <col className="w-[108px]" />
        <col className="w-[15%]" />
        <col className="w-[150px]" />
        <col className="w-[72px]" />
        <col className="w-[76px]" />
        <col className="w-[76px]" />
        <col className="w-[72px]" />
        <col className="w-[112px]" />
        <col className="w-[150px]" />
        <col className="w-[76px]" />
        <col />
      </colgroup>
      <THead>
        <tr>
          <SortableTh label="Verdict" sortKey="verdict" current={sort} onSort={onSort} />
          <SortableTh label="Service" sortKey="name" current={sort} onSort={onSort} />
          <SortableTh label="Cluster" sortKey="cluster" current={sort} onSort={onSort} />
          <Th>Tasks</Th>
          <Th title="Load balancer targets, healthy and unhealthy (CloudWatch, latest minute)">Targets</Th>
          <Th title="The service's CloudWatch alarms: how many are in ALARM">Alarms</Th>
          <Th title="Open HIGH and CRITICAL GuardDuty findings">Findings</Th>
          <Th>Rollout</Th>
          <Th title="Image tag, and the task definition family:revision">Version</Th>
          <SortableTh label="Deployed" sortKey="deployed" current={sort} onSort={onSort} />
          <Th>Reasons</Th>
        </tr>
      </THead>
      <tbody ref={body} data-testid="service-rows" data-total={services.length} data-windowed={windowed || undefined}>
        {first > 0 && <tr aria-hidden style={{ height: first * ROW_HEIGHT }} />}
        {services.slice(first, last).map((s) => (
          <ServiceRow
            key={serviceKeyOf(s)}
            service={s}
            href={serviceHref(s, home)}
            place={places ? placeNames.get(`${s.account}/${s.region}`) ?? `${s.account} ${s.region}` : null}
            stale={staleClusters.has(`${s.account}/${s.region}/${s.cluster}`)}
            height={windowed ? ROW_HEIGHT : undefined}
            onOpen={(href) => router.push(href)}
          />
        ))}
        {last < services.length && <tr aria-hidden style={{ height: (services.length - last) * ROW_HEIGHT }} />}
      </tbody>
    </Table>
  );
}

function SortableTh({ label, sortKey, current, onSort }: { label: string; sortKey: SortKey; current: SortKey; onSort: (s: SortKey) => void }) {
  const active = current === sortKey;
  return (
    <Th aria-sort={active ? (sortKey === 'deployed' ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        className={cn('inline-flex items-center gap-1 uppercase tracking-wide hover:text-fg', active && 'text-fg')}
        title={`Sort by ${label.toLowerCase()}`}
      >
        {label}
        <span aria-hidden className={cn('text-[9px]', !active && 'invisible')}>
          ▼
        </span>
      </button>
    </Th>
  );
}

function ServiceRow({ service: s, href, place, stale, height, onOpen }: { service: ServiceHealth; href: string; place: string | null; stale: boolean; height?: number; onOpen: (href: string) => void }) {
  const taskDef = s.taskDefinition ? `${s.taskDefinition.family}:${s.taskDefinition.revision}` : null;
  // The whole row opens the service; links and buttons inside keep their own clicks, and selecting text does not navigate.
  const open = (e: MouseEvent<HTMLTableRowElement>) => {
    if ((e.target as HTMLElement).closest('a, button') || window.getSelection()?.toString()) return;
    if (e.metaKey || e.ctrlKey) window.open(href, '_blank', 'noopener');
    else onOpen(href);
  };
  return (
    <Tr
      data-testid="service-row"
      data-service={s.name}
      data-cluster={s.cluster}
      data-account={s.account}
      data-region={s.region}
      data-verdict={s.verdict}
      onClick={open}
      style={height ? { height } : undefined}
      className={cn('cursor-pointer hover:bg-surface-hover', rowEdge[s.verdict])}
    >
      <Td>
        <VerdictBadge verdict={s.verdict} />
      </Td>
      <Td>
        <Link href={href} className="block truncate font-medium text-fg hover:text-accent hover:underline" title={s.name}>
          {s.name}
          <LinkPending />
        </Link>
      </Td>
      <Td>
        <div className="flex min-w-0 items-center gap-1">
          {stale && <StaleIcon />}
          <span title={s.cluster} className={cn('line-clamp-2 break-all font-mono text-[12px] leading-tight', stale ? 'text-degraded-fg' : 'text-fg-muted')}>
            {s.cluster}
            {place && <span className="block font-sans text-[11px] text-fg-subtle">{place}</span>}
          </span>
        </div>
      </Td>
      <Td>
        <TaskCounts running={s.runningCount} desired={s.desiredCount} pending={s.pendingCount} />
      </Td>
      <Td>
        <TargetsCell telemetry={s.telemetry} hasTargets={s.targetGroupArns.length > 0} />
      </Td>
      <Td>
        <AlarmsCell telemetry={s.telemetry} />
      </Td>
      <Td>
        <FindingsCell telemetry={s.telemetry} />
      </Td>
      <Td>
        <RolloutCell rollout={s.rollout} />
      </Td>
      <Td>
        <VersionCell image={s.image} imageTag={s.imageTag} taskDef={taskDef} />
      </Td>
      <Td>
        <RelativeTime iso={s.lastDeploymentAt} className="whitespace-nowrap text-fg-muted" />
      </Td>
      <Td>
        <Reasons reasons={s.reasons} verdict={s.verdict} />
      </Td>
    </Tr>
  );
}

function StaleIcon() {
  return (
    <span
      data-testid="row-stale"
      title="AWS could not be read for this cluster; this row is from the last good snapshot"
      className="shrink-0 text-degraded-fg"
    >
      <svg aria-hidden viewBox="0 0 16 16" className="size-3" fill="currentColor">
        <path d="M8 1.5 15 14H1L8 1.5Zm-.75 4.5v4h1.5V6h-1.5Zm0 5v1.5h1.5V11h-1.5Z" />
      </svg>
      <span className="sr-only">stale data</span>
    </span>
  );
}

function VersionCell({ image, imageTag, taskDef }: { image: string | null; imageTag: string | null; taskDef: string | null }) {
  if (!imageTag && !taskDef) return <span className="text-fg-subtle">—</span>;
  return (
    <div className="flex min-w-0 flex-col leading-tight">
      <span title={image ?? undefined} className="truncate font-mono text-[12px] text-fg">
        {imageTag ?? '—'}
      </span>
      {taskDef && (
        <span title={`Task definition ${taskDef}`} className="truncate font-mono text-[11px] text-fg-subtle">
          {taskDef}
        </span>
      )}
    </div>
  );
}

const reasonTone: Record<Verdict, string> = {
  down: 'text-down-fg',
  degraded: 'text-degraded-fg',
  deploying: 'text-deploying-fg',
  unknown: 'text-fg-muted',
  healthy: 'text-fg-muted',
};

function Reasons({ reasons, verdict }: { reasons: string[]; verdict: Verdict }) {
  if (reasons.length === 0) return <span className="text-fg-subtle">—</span>;
  return (
    <ul title={reasons.join('\n')} className={cn('line-clamp-2 text-[12px] leading-snug', reasonTone[verdict])}>
      {reasons.map((r, i) => (
        <li key={i} className="inline after:text-fg-subtle after:content-['_·_'] last:after:content-none">
          {r}
        </li>
      ))}
    </ul>
  );
}

'use client';

import type { PlacedFinding } from '@/lib/telemetry/findings';
import { PlaceLabel } from '@/components/places/place-filter-selects';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Truncate } from '@/components/ui/truncate';
import { RelativeTime } from '@/components/ui/relative-time';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { SeverityBadge, severityRowEdge } from './severity-badge';
import { resourceDetail, resourceHeadline, resourceTooltip } from './finding-resource';

/** Rows are in the server's order: HIGH and CRITICAL first, then newest. A row opens the details drawer. */
/** With several places watched, each row names the account and Region it was read from. */
export function FindingsTable({
  findings,
  selectedId,
  onOpen,
}: {
  findings: PlacedFinding[];
  selectedId: string | undefined;
  onOpen: (f: PlacedFinding) => void;
}) {
  return (
    <Table>
      <colgroup>
        <col className="w-[116px]" />
        <col />
        <col className="w-[22%]" />
        <col className="w-[17%]" />
        <col className="w-[60px]" />
        <col className="w-[88px]" />
        <col className="w-[88px]" />
        <col className="w-[80px]" />
      </colgroup>
      <THead>
        <tr>
          <Th>Severity</Th>
          <Th>Finding</Th>
          <Th>Type</Th>
          <Th>Resource</Th>
          <Th className="text-right" title="How many times GuardDuty has seen this activity">
            Count
          </Th>
          <Th className="whitespace-nowrap" title="When GuardDuty first reported the finding">First seen</Th>
          <Th className="whitespace-nowrap" title="When GuardDuty last updated the finding">Last seen</Th>
          <Th>Status</Th>
        </tr>
      </THead>
      <tbody>
        {findings.map((f) => (
          <FindingRow key={`${f.place.account}/${f.place.region}/${f.id}`} finding={f} selected={f.id === selectedId} onOpen={() => onOpen(f)} />
        ))}
      </tbody>
    </Table>
  );
}

function FindingRow({ finding: f, selected, onOpen }: { finding: PlacedFinding; selected: boolean; onOpen: () => void }) {
  const detail = resourceDetail(f.resource);
  return (
    <Tr
      data-testid="finding-row"
      data-severity={f.severityLabel}
      data-finding-id={f.id}
      data-account={f.place.account}
      data-region={f.place.region}
      data-archived={f.archived || undefined}
      aria-selected={selected}
      className={cn('cursor-pointer hover:bg-surface-hover', severityRowEdge[f.severityLabel], selected && 'bg-surface-hover', f.archived && 'text-fg-muted')}
      onClick={() => {
        // Selecting text in a row should not open the drawer.
        if (!window.getSelection()?.toString()) onOpen();
      }}
    >
      <Td>
        <SeverityBadge label={f.severityLabel} severity={f.severity} />
      </Td>
      <Td>
        {/* The row is clickable; the button makes it reachable and operable from the keyboard. */}
        <button
          type="button"
          data-testid="finding-open"
          title={f.title}
          className={cn('line-clamp-2 w-full text-left font-medium leading-snug hover:text-accent hover:underline', f.archived ? 'text-fg-muted' : 'text-fg')}
        >
          {f.title || f.type}
        </button>
      </Td>
      <Td>
        <Truncate text={f.type} mono className="text-fg-muted" />
      </Td>
      <Td>
        <div title={resourceTooltip(f.resource)} className="flex min-w-0 flex-col leading-tight">
          <span className="truncate font-mono text-[12px] text-fg">{resourceHeadline(f.resource)}</span>
          {detail && <span className="truncate font-mono text-[11px] text-fg-subtle">{detail}</span>}
          <PlaceLabel place={f.place} />
        </div>
      </Td>
      <Td className="text-right tabular-nums text-fg-muted">{f.count.toLocaleString('en-US')}</Td>
      <Td>
        <RelativeTime iso={f.createdAt} className="whitespace-nowrap text-fg-muted" />
      </Td>
      <Td>
        <RelativeTime iso={f.updatedAt} className="whitespace-nowrap text-fg-muted" />
      </Td>
      <Td>
        {f.archived ? (
          <Badge tone="neutral" title="Archived: hidden from the default view; GuardDuty still updates it">
            archived
          </Badge>
        ) : (
          <span className="text-xs text-fg-subtle">open</span>
        )}
      </Td>
    </Tr>
  );
}

'use client';

import type { Finding } from '@/lib/aws/findings-types';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Truncate } from '@/components/ui/truncate';
import { RelativeTime } from '@/components/ui/relative-time';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { SeverityBadge, severityRowEdge } from './severity-badge';
import { resourceDetail, resourceHeadline } from './finding-resource';

/** Rows are in the server's order: HIGH and CRITICAL first, then newest. A row opens the details drawer. */
export function FindingsTable({ findings, selectedId, onOpen }: { findings: Finding[]; selectedId: string | undefined; onOpen: (f: Finding) => void }) {
  return (
    <Table>
      <colgroup>
        <col className="w-[124px]" />
        <col />
        <col className="w-[24%]" />
        <col className="w-[18%]" />
        <col className="w-[64px]" />
        <col className="w-[88px]" />
        <col className="w-[88px]" />
        <col className="w-[84px]" />
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
          <Th title="When GuardDuty first reported the finding">First seen</Th>
          <Th title="When GuardDuty last updated the finding">Last seen</Th>
          <Th>Status</Th>
        </tr>
      </THead>
      <tbody>
        {findings.map((f) => (
          <FindingRow key={f.id} finding={f} selected={f.id === selectedId} onOpen={() => onOpen(f)} />
        ))}
      </tbody>
    </Table>
  );
}

function FindingRow({ finding: f, selected, onOpen }: { finding: Finding; selected: boolean; onOpen: () => void }) {
  const detail = resourceDetail(f.resource);
  return (
    <Tr
      data-testid="finding-row"
      data-severity={f.severityLabel}
      data-finding-id={f.id}
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
          className={cn('block w-full truncate text-left font-medium hover:text-accent hover:underline', f.archived ? 'text-fg-muted' : 'text-fg')}
        >
          {f.title || f.type}
        </button>
      </Td>
      <Td>
        <Truncate text={f.type} mono className="text-fg-muted" />
      </Td>
      <Td>
        <div className="flex min-w-0 flex-col leading-tight">
          <Truncate text={resourceHeadline(f.resource)} mono className="text-fg" />
          {detail && <Truncate text={detail} mono className="text-[11px] text-fg-subtle" />}
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

'use client';

import { Fragment, useState, type ReactNode } from 'react';
import type { AuditEntry } from '@/lib/audit/types';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Truncate } from '@/components/ui/truncate';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/components/ui/cn';
import { OutcomeBadge } from './outcome-badge';
import { isSystemActor } from '@/lib/audit/system-actor';

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });

  return (
    <Table>
      <colgroup>
        <col className="w-[36px]" />
        <col className="w-[168px]" />
        <col className="w-[200px]" />
        <col className="w-[232px]" />
        <col className="w-[20%]" />
        <col className="w-[88px]" />
        <col />
      </colgroup>
      <THead>
        <tr>
          <Th>
            <span className="sr-only">Details</span>
          </Th>
          <Th>Time (UTC)</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th>Outcome</Th>
          <Th>Reason</Th>
        </tr>
      </THead>
      <tbody>
        {entries.map((e) => (
          <AuditRow key={e.seq} entry={e} open={open.has(e.seq)} onToggle={() => toggle(e.seq)} />
        ))}
      </tbody>
    </Table>
  );
}

function AuditRow({ entry: e, open, onToggle }: { entry: AuditEntry; open: boolean; onToggle: () => void }) {
  const detailId = `audit-detail-${e.seq}`;
  return (
    <Fragment>
      <Tr
        data-testid="audit-row"
        data-seq={e.seq}
        data-action={e.action}
        data-outcome={e.outcome}
        className={cn('cursor-pointer hover:bg-surface-hover', open && 'border-b-0 bg-surface-hover')}
        onClick={() => {
          // Selecting text in a row should not fold it.
          if (!window.getSelection()?.toString()) onToggle();
        }}
      >
        <Td className="pr-0">
          <button
            type="button"
            data-testid="audit-row-toggle"
            aria-expanded={open}
            aria-controls={detailId}
            aria-label={open ? 'Hide details' : 'Show details'}
            onClick={(ev) => {
              ev.stopPropagation();
              onToggle();
            }}
            className="flex size-5 items-center justify-center rounded text-fg-subtle hover:bg-surface-2 hover:text-fg"
          >
            <svg aria-hidden viewBox="0 0 16 16" className={cn('size-3 transition-transform', open && 'rotate-90')} fill="none" stroke="currentColor" strokeWidth="1.75">
              <path d="M6 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </button>
        </Td>
        <Td>
          <div className="flex flex-col leading-tight">
            <time dateTime={e.at} className="font-mono text-[12px] text-fg">
              {e.at.slice(0, 19).replace('T', ' ')}
            </time>
            <RelativeTime iso={e.at} className="text-[11px] text-fg-subtle" />
          </div>
        </Td>
        <Td>
          <Actor actor={e.actor} />
        </Td>
        <Td>
          <ActionName action={e.action} />
        </Td>
        <Td>{e.target ? <Truncate text={e.target} mono className="text-fg-muted" /> : <span className="text-fg-subtle">—</span>}</Td>
        <Td>
          <OutcomeBadge outcome={e.outcome} />
        </Td>
        <Td>
          {e.reason ? (
            <span title={e.reason} className="line-clamp-2 text-[12px] leading-snug text-fg-muted">
              {e.reason}
            </span>
          ) : (
            <span className="text-fg-subtle">—</span>
          )}
        </Td>
      </Tr>
      {open && (
        <tr id={detailId} data-testid="audit-row-detail" className="border-b border-border bg-surface-hover">
          <td colSpan={7} className="px-4 pb-3 pt-0">
            <EntryDetail entry={e} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function Actor({ actor }: { actor: AuditEntry['actor'] }) {
  if (!actor) return <span className="text-fg-subtle">anonymous</span>;
  return (
    <div className="flex min-w-0 items-center gap-1.5">
      <span className="truncate text-fg" title={`${actor.name ?? actor.subject}\n${actor.issuer} · ${actor.subject}`}>
        {actor.name ?? actor.subject}
      </span>
      <span className="shrink-0 rounded-full border border-border px-1.5 text-[10px] leading-4 text-fg-muted" title={isSystemActor(actor) ? 'Codeflow acting by itself, for this role' : 'Role at the time'}>
        {actor.role ?? 'no role'}
      </span>
    </div>
  );
}

function EntryDetail({ entry: e }: { entry: AuditEntry }) {
  return (
    <div className="ml-[36px] grid grid-cols-[minmax(0,1fr)_minmax(0,340px)] gap-4 rounded-md border border-border bg-surface p-3">
      <div className="min-w-0">
        <p className="mb-1 text-[11px] font-medium uppercase tracking-wide text-fg-subtle">Parameters</p>
        {e.params === null ? (
          <p className="text-[12px] text-fg-subtle">none</p>
        ) : (
          <pre data-testid="audit-params" className="max-h-72 overflow-auto rounded bg-surface-2 px-3 py-2 font-mono text-[12px] leading-relaxed text-fg">
            {JSON.stringify(e.params, null, 2)}
          </pre>
        )}
        {e.reason && (
          <>
            <p className="mb-1 mt-3 text-[11px] font-medium uppercase tracking-wide text-fg-subtle">Reason</p>
            <p className="whitespace-pre-wrap text-[12px] text-fg">{e.reason}</p>
          </>
        )}
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] content-start gap-x-3 gap-y-1 text-[12px]">
        <Field label="Entry">#{e.seq}</Field>
        {e.intentSeq !== null && <Field label="Intent">#{e.intentSeq}</Field>}
        <Field label="Time">{e.at}</Field>
        {e.actor && (
          <Field label="Identity">
            <span className="break-all">
              {e.actor.subject} <span className="text-fg-subtle">@ {e.actor.issuer}</span>
            </span>
          </Field>
        )}
        <Field label="Request id">{e.requestId ?? <span className="text-fg-subtle">—</span>}</Field>
        <Field label="AWS request ids">
          {e.awsRequestIds.length > 0 ? (
            <ul data-testid="audit-aws-request-ids">
              {e.awsRequestIds.map((id) => (
                <li key={id} className="break-all">
                  {id}
                </li>
              ))}
            </ul>
          ) : (
            <span className="text-fg-subtle">—</span>
          )}
        </Field>
        <Field label="Hash">
          <span title={`hash ${e.hash}\nprev ${e.prevHash}`}>{e.hash.slice(0, 16)}…</span>
        </Field>
      </dl>
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="whitespace-nowrap text-fg-subtle">{label}</dt>
      <dd className="min-w-0 font-mono text-[12px] text-fg">{children}</dd>
    </>
  );
}

/**
 * The action whole, never cut ("ops.deploy.register-…" names no action): it wraps after a dot,
 * hyphen or underscore when the column is too narrow, so each line is still a readable part.
 */
function ActionName({ action }: { action: string }) {
  const parts = action.split(/(?<=[._-])/);
  return (
    <span data-testid="audit-action" className="block font-mono text-[12px] leading-snug text-fg">
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p}
        </Fragment>
      ))}
    </span>
  );
}

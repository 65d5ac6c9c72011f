'use client';

import Link from 'next/link';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { PlacedFinding } from '@/lib/telemetry/findings';
import { CopyButton } from '@/components/ui/copy-button';
import { Badge } from '@/components/ui/badge';
import { formatUtc } from '@/components/ui/time-format';
import { RelativeTime } from '@/components/ui/relative-time';
import { ArchiveControl } from './archive-control';
import { SeverityBadge } from './severity-badge';
import { guardDutyConsoleUrl, taskIdOf } from './finding-resource';
import { OpenIncidentButton } from '@/components/incidents/open-incident-button';
import { prefillFromFinding } from '@/components/incidents/alarm-prefill';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/**
 * One finding's details in a side panel. A dialog: focus moves in and stays in (Tab wraps), Esc
 * or the backdrop closes it, and focus returns to where it was. Every field is AWS data shown as
 * text.
 */
export function FindingDrawer({ finding: given, canArchive, onClose }: { finding: PlacedFinding; canArchive: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  // What this drawer archived or unarchived, until the refreshed list says the same.
  const [archivedHere, setArchivedHere] = useState<boolean | null>(null);
  const finding = archivedHere === null ? given : { ...given, archived: archivedHere };
  useEffect(() => setArchivedHere(null), [given.id]);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);

  // On the document, not the dialog: when a control inside goes away (the reason prompt after a
  // change), focus falls to <body>, and Esc and Tab must still work.
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      const root = dialog.current;
      if (!root) return;
      if (e.key === 'Escape') {
        // Inside the reason prompt, Escape cancels the prompt only.
        if (!(e.target instanceof Element && e.target.closest('form'))) close.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      const active = document.activeElement;
      if (!root.contains(active)) {
        e.preventDefault();
        first.focus();
      } else if (e.shiftKey && (active === first || active === root)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const r = finding.resource;
  const titleId = `finding-title-${finding.id}`;
  return (
    <div className="fixed inset-0 z-40">
      <div aria-hidden data-testid="finding-drawer-backdrop" className="absolute inset-0 bg-black/30" onClick={onClose} />
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid="finding-drawer"
        data-finding-id={finding.id}
        className="absolute inset-y-0 right-0 flex w-[min(600px,100vw)] flex-col border-l border-border bg-surface shadow-2xl outline-none"
      >
        <header className="flex items-start gap-3 border-b border-border px-5 py-4">
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-center gap-2">
              <SeverityBadge label={finding.severityLabel} severity={finding.severity} />
              {finding.archived && (
                <Badge tone="neutral" title="Archived: hidden from the default view">
                  archived
                </Badge>
              )}
              <span className="font-mono text-[12px] text-fg-muted">{finding.type}</span>
            </div>
            <h2 id={titleId} className="mt-2 text-[15px] font-semibold leading-snug text-fg">
              {finding.title || finding.type}
            </h2>
          </div>
          <button
            ref={closeButton}
            type="button"
            data-testid="finding-drawer-close"
            aria-label="Close details"
            onClick={onClose}
            className="flex size-7 shrink-0 items-center justify-center rounded text-fg-subtle hover:bg-surface-2 hover:text-fg"
          >
            <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.75">
              <path d="M4 4l8 8M12 4l-8 8" strokeLinecap="round" />
            </svg>
          </button>
        </header>

        <div className="flex-1 overflow-y-auto px-5 py-4">
          {/* Responders and up only: the button renders nothing for viewers. */}
          <div className="mb-4 empty:hidden">
            <OpenIncidentButton small prefill={prefillFromFinding(finding)} label="Open incident from this finding" testId="finding-open-incident" />
          </div>
          {canArchive && (
            <section className="mb-5">
              <ArchiveControl finding={finding} onArchivedChange={setArchivedHere} />
            </section>
          )}

          {finding.description && (
            <Section title="Description">
              <p data-testid="finding-description" className="whitespace-pre-wrap break-words text-[13px] leading-relaxed text-fg">
                {finding.description}
              </p>
            </Section>
          )}

          <Section title="Resource">
            <dl className={dlClass}>
              <Field label="Type">{r.type}</Field>
              {r.cluster && <Field label="Cluster">{r.cluster}</Field>}
              {r.service && (
                <Field label="Service">
                  {r.cluster ? (
                    <Link href={`/services/${encodeURIComponent(r.cluster)}/${encodeURIComponent(r.service)}`} className="text-accent hover:underline">
                      {r.service}
                    </Link>
                  ) : (
                    r.service
                  )}
                </Field>
              )}
              {r.taskArn && (
                <Field label="Task">
                  <span title={r.taskArn}>{taskIdOf(r.taskArn)}</span>
                </Field>
              )}
              {r.taskDefinitionArn && <Field label="Task definition">{r.taskDefinitionArn.slice(r.taskDefinitionArn.indexOf('/') + 1)}</Field>}
              {r.image && <Field label="Image">{r.image}</Field>}
              {r.principal && <Field label="Principal">{r.principal}</Field>}
              {r.accessKeyId && <Field label="Access key">{r.accessKeyId}</Field>}
            </dl>
          </Section>

          <Section title="Finding">
            <dl className={dlClass}>
              <Field label="Severity">
                {finding.severity.toFixed(1)} ({finding.severityLabel})
              </Field>
              <Field label="Count">{finding.count.toLocaleString('en-US')}</Field>
              <Field label="First seen">
                {formatUtc(finding.createdAt)} · <RelativeTime iso={finding.createdAt} className="text-fg-subtle" />
              </Field>
              <Field label="Last seen">
                {formatUtc(finding.updatedAt)} · <RelativeTime iso={finding.updatedAt} className="text-fg-subtle" />
              </Field>
              <Field label="Status">{finding.archived ? 'archived' : 'open'}</Field>
              <Field label="Account">{finding.accountId}</Field>
              <Field label="Region">{finding.region}</Field>
              <Field label="Finding id">
                <span className="break-all">{finding.id}</span>
              </Field>
            </dl>
            <div className="mt-3 flex flex-wrap gap-2">
              <CopyButton text={finding.id} label="Copy finding id" />
              <a href={guardDutyConsoleUrl(finding.region, finding.id)} target="_blank" rel="noreferrer" className="inline-flex h-8 items-center px-1 text-[13px] text-accent hover:underline">
                Open in the GuardDuty console ↗
              </a>
            </div>
          </Section>

          <details className="group mt-1">
            <summary className="cursor-pointer select-none text-[11px] font-medium uppercase tracking-wide text-fg-subtle hover:text-fg">Raw JSON</summary>
            <pre data-testid="finding-raw" className="mt-2 max-h-96 overflow-auto rounded bg-surface-2 px-3 py-2 font-mono text-[12px] leading-relaxed text-fg">
              {JSON.stringify(finding, null, 2)}
            </pre>
          </details>
        </div>
      </div>
    </div>
  );
}

const dlClass = 'grid grid-cols-[120px_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-[12px]';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mb-5">
      <h3 className="mb-2 text-[11px] font-medium uppercase tracking-wide text-fg-subtle">{title}</h3>
      {children}
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="min-w-0 break-words font-mono text-[12px] text-fg">{children}</dd>
    </>
  );
}

'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { IncidentResponse, IncidentSource, OpenIncidentInput, ServiceRef, Severity } from '@/lib/incidents/types';
import { sendJson } from '@/lib/api/fetch-json';
import { controlClass, primaryButtonClass } from '@/components/ui/controls';
import { buttonClass } from '@/components/ui/error-panel';
import { cn } from '@/components/ui/cn';
import { SeverityPicker } from './severity-picker';
import { ServicesPicker } from './services-picker';
import { CommanderSelect } from './commander-select';
import { fromUtcLocalInput } from './format';
import { UtcDateTimeInput } from '@/components/ui/utc-datetime-input';
import { CharCount } from '@/components/ui/char-count';

// The API's limits (lib/api/incidents/schemas.ts); the counter shows them before the field stops.
const TITLE_MAX = 200;
const NOTE_MAX = 2000;

export interface IncidentPrefill {
  title?: string;
  severity?: Severity;
  services?: ServiceRef[];
  source?: { kind: IncidentSource['kind']; ref: string | null; label?: string };
}

/**
 * "Open incident": title, severity (with the guide's definitions), affected services, commander,
 * when it started (UTC; empty means now) and a first note. A native modal <dialog>: the rest of
 * the page is inert, Esc closes it, focus returns where it was.
 */
export function OpenIncidentDialog({ prefill, onClose }: { prefill: IncidentPrefill; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(prefill.title ?? '');
  const [severity, setSeverity] = useState<Severity>(prefill.severity ?? 'P2');
  const [services, setServices] = useState<ServiceRef[]>(prefill.services ?? []);
  const [commander, setCommander] = useState<string | null>(null);
  const [startedAt, setStartedAt] = useState('');
  const [note, setNote] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    // No close() on cleanup: unmounting removes it from the top layer, and a close event fired
    // by a Strict Mode re-run would close the dialog just opened.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const open = useMutation({
    mutationFn: (input: OpenIncidentInput) => sendJson<IncidentResponse>('/api/incidents', 'POST', input),
    onSuccess: ({ incident }) => {
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
      router.push(`/incidents/${incident.number}`);
      onClose();
    },
  });

  const openedAt = startedAt ? fromUtcLocalInput(startedAt) : null;
  const startError =
    startedAt && !openedAt ? 'Not a valid date and time' : openedAt && Date.parse(openedAt) > Date.now() + 60_000 ? 'The start cannot be in the future' : null;
  const valid = title.trim().length > 0 && !startError;

  const submit = () => {
    if (!valid || open.isPending) return;
    open.mutate({
      title: title.trim(),
      severity,
      services,
      ...(commander ? { commanderUserId: commander } : {}),
      ...(prefill.source ? { source: { kind: prefill.source.kind, ref: prefill.source.ref } } : {}),
      ...(openedAt ? { openedAt } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby="open-incident-title"
      data-testid="open-incident-dialog"
      onClose={onClose}
      className="m-auto w-[min(640px,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-0 text-fg shadow-2xl backdrop:bg-black/40"
    >
      <form
        className="flex max-h-[85vh] flex-col"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <header className="border-b border-border px-5 py-3">
          <h2 id="open-incident-title" className="text-[15px] font-semibold">
            Open an incident
          </h2>
          {prefill.source && prefill.source.kind !== 'manual' && (
            <p data-testid="incident-source" className="mt-0.5 text-xs text-fg-subtle">
              From {prefill.source.kind} <span className="font-mono text-fg-muted">{prefill.source.label ?? prefill.source.ref}</span>
            </p>
          )}
        </header>
        <div className="flex flex-col gap-4 overflow-y-auto px-5 py-4">
          <label className="flex flex-col gap-1 text-[12px] font-medium">
            <span className="flex items-baseline gap-2">
              Title
              <CharCount length={title.length} max={TITLE_MAX} id="incident-title-count" testId="incident-title-count" />
            </span>
            <input
              autoFocus
              required
              data-testid="incident-title-input"
              aria-describedby="incident-title-count"
              maxLength={TITLE_MAX}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="What is broken, for whom"
              className={cn(controlClass, 'font-normal')}
            />
          </label>
          <SeverityPicker value={severity} onChange={setSeverity} />
          <div className="flex flex-col gap-1 text-[12px]">
            <span className="font-medium">Affected services</span>
            <ServicesPicker value={services} onChange={setServices} />
          </div>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <label className="flex flex-col gap-1 text-[12px] font-medium">
              Commander
              <CommanderSelect value={commander} onChange={setCommander} />
            </label>
            <label className="flex flex-col gap-1 text-[12px] font-medium">
              Started at (UTC)
              <UtcDateTimeInput
                seconds
                data-testid="incident-opened-at"
                value={startedAt}
                onChange={setStartedAt}
                className="font-normal"
              />
              <span className={cn('font-normal', startError ? 'text-down-fg' : 'text-fg-subtle')}>
                {startError ?? 'Empty means now. Earlier starts count toward escalation.'}
              </span>
            </label>
          </div>
          <label className="flex flex-col gap-1 text-[12px] font-medium">
            <span className="flex items-baseline gap-1">
              First note <span className="font-normal text-fg-subtle">(optional, goes on the timeline)</span>
              <CharCount length={note.length} max={NOTE_MAX} id="incident-note-count" />
            </span>
            <textarea
              data-testid="incident-note-input"
              aria-describedby="incident-note-count"
              rows={2}
              maxLength={NOTE_MAX}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className={cn(controlClass, 'h-auto py-1.5 font-normal')}
            />
          </label>
          {open.error && (
            <p role="alert" data-testid="open-incident-error" className="text-[13px] text-down-fg">
              {open.error.message}
            </p>
          )}
        </div>
        <footer className="flex items-center justify-end gap-2 border-t border-border px-5 py-3">
          <button type="button" onClick={() => ref.current?.close()} className={buttonClass} disabled={open.isPending}>
            Cancel
          </button>
          <button type="submit" data-testid="open-incident-submit" disabled={!valid || open.isPending} className={primaryButtonClass}>
            {open.isPending ? 'Opening…' : `Open ${severity} incident`}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

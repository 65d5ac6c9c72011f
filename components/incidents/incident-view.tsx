'use client';

import { CharCount } from '@/components/ui/char-count';
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Incident, IncidentStatus, ServiceRef, Severity } from '@/lib/incidents/types';
import { ApiError } from '@/lib/api/fetch-json';
import { Card, CardHeader } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { controlClass, primaryButtonClass, smallButtonClass } from '@/components/ui/controls';
import { Skeleton } from '@/components/ui/skeleton';
import { formatUtc } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';
import { incidentQuery } from './queries';
import { IncidentSeverityBadge, IncidentStatusBadge } from './incident-badges';
import { StatusActions } from './status-actions';
import { SeverityPicker } from './severity-picker';
import { ServiceLinks, ServicesPicker } from './services-picker';
import { CommanderSelect } from './commander-select';
import { PlaybookChecklist } from './playbook-checklist';
import { EscalationCard } from './escalation-card';
import { IncidentTimeline, type TimelineSourceStatus } from './incident-timeline';
import { EngagedList } from './engaged';
import { useIncidentMutations } from './use-incident-mutations';
import { formatDuration } from './format';

export function IncidentView({ id, canWrite, canEscalate }: { id: string; canWrite: boolean; canEscalate: boolean }) {
  const query = useQuery(incidentQuery(id));
  const { update, tick, escalate } = useIncidentMutations(id);

  if (!query.data) {
    if (query.isError) {
      const missing = query.error instanceof ApiError && query.error.status === 404;
      return (
        <ErrorPanel
          title={missing ? 'No such incident' : 'The incident could not be loaded'}
          message={query.error.message}
          action={
            missing ? (
              <Link href="/incidents" className={buttonClass}>
                All incidents
              </Link>
            ) : (
              <button type="button" className={buttonClass} onClick={() => query.refetch()}>
                Try again
              </button>
            )
          }
        />
      );
    }
    return (
      <div aria-busy="true" className="flex flex-col gap-3">
        <Skeleton className="h-8 w-1/2" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }

  const { incident, timeline } = query.data;
  const sources = (query.data as { sources?: TimelineSourceStatus[] }).sources;
  const setStatus = (status: IncidentStatus) => update.mutate({ status });
  return (
    <div className="flex flex-col gap-4" data-testid="incident" data-incident-id={incident.id} data-status={incident.status} data-severity={incident.severity}>
      <Header incident={incident} canWrite={canWrite} pending={update.isPending} onStatus={setStatus} error={update.error?.message ?? null} />
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(320px,2fr)]">
        <div className="flex min-w-0 flex-col gap-4">
          <PlaybookChecklist
            incident={incident}
            canTick={canWrite}
            pendingStep={tick.isPending ? (tick.variables?.stepId ?? null) : null}
            error={tick.error?.message ?? null}
            onTick={(stepId, done) => tick.mutate({ stepId, done })}
          />
          {canWrite && <NoteForm pending={update.isPending} onAdd={(note, done) => update.mutate({ note }, { onSuccess: done })} />}
          <IncidentTimeline entries={timeline} sources={sources} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <EscalationCard
            incident={incident}
            canEscalate={canEscalate}
            pending={escalate.isPending}
            error={escalate.error?.message ?? null}
            onEscalate={(reason, done) => escalate.mutate(reason, { onSuccess: done })}
          />
          <DetailsCard incident={incident} canWrite={canWrite} pending={update.isPending} onUpdate={(input, done) => update.mutate(input, { onSuccess: done })} />
        </div>
      </div>
    </div>
  );
}

function Header({
  incident,
  canWrite,
  pending,
  onStatus,
  error,
}: {
  incident: Incident;
  canWrite: boolean;
  pending: boolean;
  onStatus: (s: IncidentStatus) => void;
  error: string | null;
}) {
  const now = useNow();
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
  return (
    <header className="flex flex-col gap-2">
      <nav className="text-xs text-fg-subtle">
        <Link href="/incidents" className="hover:text-fg hover:underline">
          Incidents
        </Link>{' '}
        / #{incident.number}
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <IncidentSeverityBadge severity={incident.severity} large />
        <h1 className="min-w-0 text-xl font-semibold tracking-tight" data-testid="incident-title">
          <span className="mr-2 font-mono text-fg-subtle">#{incident.number}</span>
          {incident.title}
        </h1>
        <IncidentStatusBadge status={incident.status} className="h-6 text-[12px]" />
        {canWrite && (
          <div className="ml-auto">
            <StatusActions status={incident.status} pending={pending} onChange={onStatus} />
          </div>
        )}
      </div>
      <p className="text-[12px] text-fg-muted">
        <span suppressHydrationWarning className="font-medium text-fg tabular-nums">
          {incident.resolvedAt ? `Lasted ${formatDuration(end - Date.parse(incident.openedAt))}` : `Open for ${formatDuration(end - Date.parse(incident.openedAt))}`}
        </span>{' '}
        · started {formatUtc(incident.openedAt)} · opened by {incident.openedBy.name ?? incident.openedBy.subject}
        {incident.acknowledgedAt && <> · acknowledged {formatUtc(incident.acknowledgedAt)}</>}
        {incident.mitigatedAt && <> · mitigated {formatUtc(incident.mitigatedAt)}</>}
        {incident.resolvedAt && <> · resolved {formatUtc(incident.resolvedAt)}</>}
      </p>
      {error && (
        <p role="alert" data-testid="incident-error" className="text-[13px] text-down-fg">
          {error}
        </p>
      )}
    </header>
  );
}

function DetailsCard({
  incident,
  canWrite,
  pending,
  onUpdate,
}: {
  incident: Incident;
  canWrite: boolean;
  pending: boolean;
  onUpdate: (input: { severity?: Severity; services?: ServiceRef[]; commanderUserId?: string | null }, done: () => void) => void;
}) {
  const [editing, setEditing] = useState<'severity' | 'services' | null>(null);
  const [severity, setSeverity] = useState<Severity>(incident.severity);
  const [services, setServices] = useState<ServiceRef[]>(incident.services);
  const edit = (what: 'severity' | 'services') => {
    setSeverity(incident.severity);
    setServices(incident.services);
    setEditing(what);
  };
  const editButton = (what: 'severity' | 'services') =>
    canWrite && editing !== what ? (
      <button type="button" data-testid={`edit-${what}`} onClick={() => edit(what)} className={smallButtonClass}>
        Change
      </button>
    ) : null;

  return (
    <Card data-testid="incident-details">
      <CardHeader title="Details" />
      <dl className="flex flex-col divide-y divide-border text-[12px]">
        <Row label="Who is engaged">
          <EngagedList incident={incident} />
        </Row>
        <Row label="Commander">
          {canWrite ? (
            <CommanderSelect
              value={incident.commander?.userId ?? null}
              currentName={incident.commander?.name}
              disabled={pending}
              onChange={(userId) => onUpdate({ commanderUserId: userId }, () => {})}
              className="w-full"
            />
          ) : (
            (incident.commander?.name ?? <span className="text-fg-subtle">none yet</span>)
          )}
        </Row>
        <Row label="Severity" action={editButton('severity')}>
          {editing === 'severity' ? (
            <EditForm pending={pending} onCancel={() => setEditing(null)} onSave={() => onUpdate({ severity }, () => setEditing(null))} disabled={severity === incident.severity}>
              <SeverityPicker value={severity} onChange={setSeverity} name="change-severity" />
            </EditForm>
          ) : (
            <IncidentSeverityBadge severity={incident.severity} />
          )}
        </Row>
        <Row label="Services" action={editButton('services')}>
          {editing === 'services' ? (
            <EditForm pending={pending} onCancel={() => setEditing(null)} onSave={() => onUpdate({ services }, () => setEditing(null))}>
              <ServicesPicker value={services} onChange={setServices} disabled={pending} />
            </EditForm>
          ) : (
            <ServiceLinks services={incident.services} />
          )}
        </Row>
        <Row label="Source">
          {incident.source.kind === 'manual' ? (
            'opened by hand'
          ) : (
            <span>
              {incident.source.kind} <span className="font-mono">{incident.source.label ?? incident.source.ref}</span>
              {incident.source.kind === 'alarm' && (
                <>
                  {' · '}
                  <Link href="/alarms" className="text-accent hover:underline">
                    alarms
                  </Link>
                </>
              )}
              {incident.source.kind === 'finding' && (
                <>
                  {' · '}
                  <Link href="/security" className="text-accent hover:underline">
                    findings
                  </Link>
                </>
              )}
            </span>
          )}
        </Row>
      </dl>
    </Card>
  );
}

function Row({ label, action, children }: { label: string; action?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1 px-4 py-2">
      <dt className="flex items-center text-[11px] font-medium uppercase tracking-wide text-fg-subtle">
        {label}
        {action && <span className="ml-auto normal-case tracking-normal">{action}</span>}
      </dt>
      <dd className="min-w-0 text-fg">{children}</dd>
    </div>
  );
}

function EditForm({ pending, disabled, onSave, onCancel, children }: { pending: boolean; disabled?: boolean; onSave: () => void; onCancel: () => void; children: ReactNode }) {
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      {children}
      <div className="flex gap-2">
        <button type="submit" disabled={pending || disabled} className={primaryButtonClass}>
          {pending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onCancel} className={buttonClass}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function NoteForm({ pending, onAdd }: { pending: boolean; onAdd: (note: string, done: () => void) => void }) {
  const [note, setNote] = useState('');
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (note.trim()) onAdd(note.trim(), () => setNote(''));
      }}
    >
      <input
        aria-label="Add a note to the timeline"
        data-testid="note-input"
        placeholder="Add a note to the timeline (what you tried, what you saw)"
        maxLength={2000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        className={cn(controlClass, 'min-w-0 flex-1')}
      />
      {note.length >= 1500 && <CharCount length={note.length} max={2000} />}
      <button type="submit" data-testid="note-add" disabled={pending || !note.trim()} className={buttonClass}>
        Add note
      </button>
    </form>
  );
}

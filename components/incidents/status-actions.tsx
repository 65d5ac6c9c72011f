'use client';

import type { IncidentStatus } from '@/lib/incidents/types';
import { buttonClass } from '@/components/ui/error-panel';
import { primaryButtonClass } from '@/components/ui/controls';

interface Transition {
  to: IncidentStatus;
  label: string;
  testId: string;
  hint: string;
}

const ACK: Transition = { to: 'acknowledged', label: 'Acknowledge', testId: 'status-acknowledge', hint: 'Someone is on it: stops the unacknowledged flag' };
const MITIGATE: Transition = { to: 'mitigated', label: 'Mark mitigated', testId: 'status-mitigate', hint: 'The impact is contained; the cause may remain' };
const RESOLVE: Transition = { to: 'resolved', label: 'Resolve', testId: 'status-resolve', hint: 'Over: escalation stops' };
const REOPEN: Transition = { to: 'open', label: 'Reopen', testId: 'status-reopen', hint: 'It came back: escalation counts from the original start' };

/** open → acknowledged → mitigated → resolved, steps may be skipped forward; resolved may reopen. */
export const TRANSITIONS: Record<IncidentStatus, Transition[]> = {
  open: [ACK, MITIGATE, RESOLVE],
  acknowledged: [MITIGATE, RESOLVE],
  mitigated: [RESOLVE],
  resolved: [REOPEN],
};

export function StatusActions({ status, pending, onChange }: { status: IncidentStatus; pending: boolean; onChange: (to: IncidentStatus) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="status-actions">
      {TRANSITIONS[status].map((t, i) => (
        <button
          key={t.to}
          type="button"
          title={t.hint}
          data-testid={t.testId}
          disabled={pending}
          onClick={() => onChange(t.to)}
          className={i === 0 ? primaryButtonClass : buttonClass}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

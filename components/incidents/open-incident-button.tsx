'use client';

import { useState } from 'react';
import { primaryButtonClass, smallButtonClass } from '@/components/ui/controls';
import { useCan } from './use-can';
import { OpenIncidentDialog, type IncidentPrefill } from './open-incident-dialog';

/**
 * The "Open incident" entry point wherever one starts: the incidents page, an alarm in ALARM, a
 * GuardDuty finding. Shown to responders and up only; the API refuses everyone else anyway.
 */
export function OpenIncidentButton({
  prefill = {},
  label = 'Open incident',
  small,
  testId = 'open-incident',
  className,
}: {
  prefill?: IncidentPrefill;
  label?: string;
  small?: boolean;
  testId?: string;
  /** Overrides the button's look where it sits among other buttons (a service page's actions). */
  className?: string;
}) {
  const allowed = useCan('incident.open');
  const [open, setOpen] = useState(false);
  if (!allowed) return null;
  return (
    <>
      <button type="button" data-testid={testId} onClick={() => setOpen(true)} className={className ?? (small ? smallButtonClass : primaryButtonClass)}>
        {label}
      </button>
      {open && <OpenIncidentDialog prefill={prefill} onClose={() => setOpen(false)} />}
    </>
  );
}

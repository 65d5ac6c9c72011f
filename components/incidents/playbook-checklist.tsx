'use client';

import Link from 'next/link';
import type { Incident, PlaybookStep, ServiceRef } from '@/lib/incidents/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { formatUtc, formatUtcClock } from '@/components/ui/time-format';
import { serviceKey } from './services-picker';
import { useServiceHref } from '@/components/places/home-place';

const ACTION_VERB: Record<NonNullable<PlaybookStep['action']>['kind'], string> = { rollback: 'Roll back', scale: 'Scale', deploy: 'Deploy' };

/** The services a step's action applies to: the one it names, else every affected service. */
function actionTargets(step: PlaybookStep, services: ServiceRef[]): ServiceRef[] {
  if (!step.action) return [];
  const { account, region, cluster, service } = step.action;
  if (cluster && service) {
    // A step recorded before actions named their place takes its service's (the incident's services name theirs).
    return [account && region ? { account, region, cluster, service } : (services.find((s) => s.cluster === cluster && s.service === service) ?? { cluster, service })];
  }
  return services;
}

/**
 * The severity's playbook (guide §6.2) as a checklist. A tick records who and when; a step with an
 * action links to the service page, which opens that guarded action's dialog prefilled.
 */
export function PlaybookChecklist({
  incident,
  canTick,
  pendingStep,
  error,
  onTick,
}: {
  incident: Incident;
  canTick: boolean;
  pendingStep: string | null;
  error: string | null;
  onTick: (stepId: string, done: boolean) => void;
}) {
  const serviceHref = useServiceHref();
  const steps = incident.playbook;
  const done = steps.filter((s) => s.doneAt).length;
  return (
    <Card data-testid="playbook">
      <CardHeader title={`${incident.severity} playbook`} meta={steps.length > 0 ? `${done} of ${steps.length} done` : undefined} />
      {steps.length === 0 ? (
        <EmptyState>No playbook for {incident.severity} in the configuration.</EmptyState>
      ) : (
        <ol className="divide-y divide-border">
          {steps.map((step, n) => {
            const targets = actionTargets(step, incident.services);
            return (
              <li key={step.id} data-testid="playbook-step" data-step={step.id} data-done={step.doneAt ? 'true' : 'false'} className="flex items-start gap-3 px-4 py-2.5">
                <input
                  id={`step-${step.id}`}
                  type="checkbox"
                  data-testid="playbook-tick"
                  checked={step.doneAt !== null}
                  disabled={!canTick || pendingStep === step.id || incident.status === 'resolved'}
                  onChange={(e) => onTick(step.id, e.target.checked)}
                  className="mt-0.5 size-4 shrink-0 accent-[var(--healthy-solid)]"
                />
                <div className="min-w-0 flex-1">
                  <label htmlFor={`step-${step.id}`} className={step.doneAt ? 'text-fg-muted line-through decoration-fg-subtle' : 'text-fg'}>
                    <span className="mr-1.5 tabular-nums text-fg-subtle">{n + 1}.</span>
                    {step.label}
                  </label>
                  {step.doneAt && (
                    <p className="mt-0.5 text-xs text-fg-subtle" data-testid="playbook-done-by">
                      ✓ {step.doneBy?.name ?? step.doneBy?.subject ?? 'someone'} at <span title={formatUtc(step.doneAt)}>{formatUtcClock(step.doneAt)} UTC</span>
                    </p>
                  )}
                  {step.action && (
                    <div className="mt-1 flex flex-wrap gap-2">
                      {targets.length === 0 ? (
                        <span className="text-xs text-fg-subtle">{ACTION_VERB[step.action.kind]}: name an affected service first</span>
                      ) : (
                        targets.map((t) => (
                          <Link
                            key={serviceKey(t)}
                            href={serviceHref(t, { action: step.action!.kind })}
                            data-testid="playbook-action"
                            className="inline-flex h-6 items-center gap-1 rounded border border-border px-2 text-xs text-accent hover:border-border-strong"
                          >
                            {ACTION_VERB[step.action!.kind]} <span className="font-mono">{t.service}</span> →
                          </Link>
                        ))
                      )}
                    </div>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {error && (
        <p role="alert" className="border-t border-border px-4 py-2 text-[13px] text-down-fg">
          {error}
        </p>
      )}
    </Card>
  );
}

import type { AlarmPlanItem, AlarmsPlan } from '@/lib/ops/types';
import { Badge, type Tone } from '@/components/ui/badge';

const ACTION: Record<AlarmPlanItem['action'], { word: string; tone: Tone }> = {
  create: { word: 'create', tone: 'healthy' },
  update: { word: 'change', tone: 'deploying' },
  unchanged: { word: 'as asked', tone: 'neutral' },
  delete: { word: 'delete', tone: 'down' },
  'enable-actions': { word: 'actions on', tone: 'deploying' },
  'disable-actions': { word: 'actions off', tone: 'degraded' },
};

/**
 * An alarms plan, alarm by alarm: what happens to it, its condition before and after, each field
 * that changes, and the AWS CLI command that makes the same call (selectable, to run by hand or
 * paste into a runbook). Notes say what the plan filled in.
 */
export function AlarmsPlanSection({ alarms }: { alarms: AlarmsPlan }) {
  return (
    <section data-testid="plan-alarms" className="rounded-md border border-border bg-bg/40 px-3 py-2">
      <h3 className="mb-1.5 text-[11px] font-semibold uppercase tracking-wide text-fg-subtle">Alarms</h3>
      {alarms.notes.length > 0 && (
        <ul className="mb-2 flex flex-col gap-1 text-[12px] text-degraded-fg">
          {alarms.notes.map((n) => (
            <li key={n} data-testid="plan-alarm-note">
              {n}
            </li>
          ))}
        </ul>
      )}
      <ul className="flex flex-col divide-y divide-border">
        {alarms.items.map((item) => (
          <li key={item.name} data-testid="plan-alarm" data-alarm={item.name} data-action={item.action} className="flex flex-col gap-1 py-2 text-[12px]">
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone={ACTION[item.action].tone}>{ACTION[item.action].word}</Badge>
              <span className="font-mono font-semibold">{item.name}</span>
              {item.recommended && <span className="text-[11px] text-fg-subtle">recommended</span>}
            </div>
            {item.action === 'create' && <p className="font-mono text-fg">{item.to}</p>}
            {item.action === 'delete' && <p className="font-mono text-fg-muted line-through">{item.from}</p>}
            {item.action === 'unchanged' && <p className="font-mono text-fg-muted">{item.to}</p>}
            {item.differences.length > 0 && (
              <ul className="font-mono text-[11.5px] text-fg">
                {item.differences.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            )}
            {item.command && (
              <pre data-testid="plan-alarm-command" className="select-all whitespace-pre-wrap break-all rounded border border-border bg-surface-2 px-2 py-1 font-mono text-[11px] text-fg-muted">
                {item.command}
              </pre>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

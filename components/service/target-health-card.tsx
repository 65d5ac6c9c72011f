import type { Listener, TargetHealth } from '@/lib/aws/types';
import type { TargetGroupHealth } from '@/lib/fleet/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Badge, type Tone } from '@/components/ui/badge';
import { targetGroupNameFromArn } from './format';

function targetTone(state: string): Tone {
  switch (state) {
    case 'healthy':
      return 'healthy';
    case 'unhealthy':
      return 'down';
    case 'initial':
      return 'deploying';
    case 'draining':
      return 'degraded';
    default:
      return 'unknown';
  }
}

/** "blue 100% / green 0%": every group the listener forwards to, with its share. */
function listenerSplit(listener: Listener, names: Map<string, string>): string {
  const total = listener.forwards.reduce((sum, f) => sum + f.weight, 0);
  return listener.forwards
    .map((f) => {
      const pct = total > 0 ? Math.round((f.weight / total) * 100) : 0;
      return `${names.get(f.targetGroupArn) ?? targetGroupNameFromArn(f.targetGroupArn)} ${pct}%`;
    })
    .join(' / ');
}

export function TargetHealthCard({ targetGroups }: { targetGroups: TargetGroupHealth[] }) {
  const names = new Map(targetGroups.map((g) => [g.targetGroup.arn, g.targetGroup.name]));
  const listeners = new Map<string, Listener>();
  for (const g of targetGroups) for (const l of g.listeners) listeners.set(l.listener.arn, l.listener);

  return (
    <Card data-testid="target-health">
      <CardHeader title="Target health" />
      {targetGroups.length === 0 ? (
        <EmptyState>This service is not behind a load balancer.</EmptyState>
      ) : (
        <>
          {listeners.size > 0 && (
            <ul className="border-b border-border px-4 py-2">
              {[...listeners.values()].map((l) => (
                <li key={l.arn} data-testid="listener-split" className="flex items-baseline gap-2 text-[12px]">
                  <span className="text-fg-subtle">
                    Listener {l.protocol ?? ''}
                    {l.port !== null ? `:${l.port}` : ''}
                  </span>
                  <span className="font-mono font-medium">{listenerSplit(l, names)}</span>
                </li>
              ))}
            </ul>
          )}
          <div className="divide-y divide-border">
            {targetGroups.map((g) => (
              <TargetGroupSection key={g.targetGroup.arn} group={g} />
            ))}
          </div>
        </>
      )}
    </Card>
  );
}

/** The group's share of its (first) listener's traffic, in percent; null when no listener forwards to it. */
function trafficShare(group: TargetGroupHealth): number | null {
  const first = group.listeners[0];
  if (!first) return null;
  const total = first.listener.forwards.reduce((sum, f) => sum + f.weight, 0);
  if (total === 0) return first.listener.forwards.length <= 1 ? 100 : 0;
  return Math.round((first.weight / total) * 100);
}

function TargetGroupSection({ group }: { group: TargetGroupHealth }) {
  const tg = group.targetGroup;
  const share = trafficShare(group);
  const healthy = group.targets.filter((t) => t.state === 'healthy').length;
  return (
    <section data-testid="target-group" data-target-group={tg.name} className="px-4 py-2.5">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <h3 title={tg.arn} className="font-mono text-[12px] font-semibold">
          {tg.name}
        </h3>
        {share !== null && (
          <Badge tone={share > 0 ? 'deploying' : 'neutral'} title="Share of the listener's traffic">
            {share}% of traffic
          </Badge>
        )}
        <span className="ml-auto text-xs tabular-nums text-fg-subtle">
          {healthy}/{group.targets.length} healthy
        </span>
      </div>
      <p className="mt-0.5 text-xs text-fg-subtle">
        {[tg.protocol && tg.port !== null ? `${tg.protocol}:${tg.port}` : null, tg.targetType, tg.healthCheckPath && `health check ${tg.healthCheckPath}`]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {group.targets.length === 0 ? (
        <p className="mt-1.5 text-xs text-fg-subtle">No registered targets.</p>
      ) : (
        <ul className="mt-1.5 flex flex-col gap-1">
          {group.targets.map((t) => (
            <TargetRow key={`${t.targetId}:${t.port ?? ''}`} target={t} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TargetRow({ target: t }: { target: TargetHealth }) {
  return (
    <li data-testid="target" data-state={t.state} className="grid grid-cols-[minmax(0,150px)_84px_minmax(0,1fr)] items-start gap-2 text-[12px]">
      <span className="truncate font-mono" title={t.targetId}>
        {t.targetId}
        {t.port !== null && <span className="text-fg-subtle">:{t.port}</span>}
      </span>
      <Badge tone={targetTone(t.state)} className="justify-self-start">
        {t.state}
      </Badge>
      <span className="text-fg-muted">
        {t.reason && <span className="font-mono text-[11px]">{t.reason}</span>}
        {t.reason && t.description && ' — '}
        {t.description}
      </span>
    </li>
  );
}

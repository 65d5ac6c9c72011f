import type { ListenerSwitchPlan, Plan, PlanGuard } from '@/lib/ops/types';
import { Badge, type Tone } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { costLines } from './format';
import { AlarmsPlanSection } from './alarms-plan';

const GUARD_TONE: Record<PlanGuard['status'], Tone> = { ok: 'healthy', requires_approval: 'degraded', blocked: 'down' };
const GUARD_MARK: Record<PlanGuard['status'], string> = { ok: '✓', requires_approval: '!', blocked: '✕' };
const GUARD_WORD: Record<PlanGuard['status'], string> = { ok: 'ok', requires_approval: 'needs approval', blocked: 'blocked' };

export function EnvironmentBadge({ environment }: { environment: string }) {
  const prod = /^prod/i.test(environment);
  return (
    <Badge tone={prod ? 'down' : 'neutral'} className="uppercase tracking-wide">
      {environment}
    </Badge>
  );
}

/** The dry run: what will change (from → to), what it costs, and which guards apply. */
export function PlanView({ plan }: { plan: Plan }) {
  return (
    <div data-testid="plan" data-requires-approval={plan.requiresApproval} data-blocked={plan.blocked} className="flex flex-col gap-3">
      <p data-testid="plan-summary" className="text-[13px] font-medium text-fg">
        {plan.summary}
      </p>
      {plan.account && plan.account !== 'default' && (
        <p data-testid="plan-place" className="-mt-2 text-[12px] text-fg-muted">
          In account <span className="font-mono text-fg">{plan.account}</span>, {plan.region} · {plan.cluster}
        </p>
      )}

      {plan.alarms && <AlarmsPlanSection alarms={plan.alarms} />}

      {plan.changes.length > 0 && !plan.alarms && (
        <Section title="Changes">
          <table className="w-full text-[12px]">
            <tbody>
              {plan.changes.map((c, i) => (
                <tr key={i} data-testid="plan-change" className="border-b border-border last:border-b-0">
                  <th scope="row" className="w-36 py-1.5 pr-3 text-left align-top font-normal text-fg-muted">
                    {c.label}
                  </th>
                  <td className="py-1.5">
                    <FromTo from={c.from} to={c.to} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      {plan.imageDiff.length > 0 && (
        <Section title="Image">
          <ul className="flex flex-col gap-1.5 text-[12px]">
            {plan.imageDiff.map((d) => (
              <li key={d.container} data-testid="plan-image">
                <span className="text-fg-muted">{d.container}</span>
                <div className="mt-0.5 flex flex-col gap-0.5 font-mono text-[11.5px]">
                  <span className="break-all text-down-fg">− {d.from}</span>
                  <span className="break-all text-healthy-fg">+ {d.to}</span>
                </div>
                {plan.image && plan.image.container === d.container && <ImageDigest image={plan.image} />}
              </li>
            ))}
          </ul>
        </Section>
      )}

      {plan.envDiff.length > 0 && (
        <Section title="Environment">
          <ul className="flex flex-col gap-0.5 font-mono text-[11.5px]">
            {plan.envDiff.map((d) => (
              <li key={`${d.container}/${d.name}`} data-testid="plan-env" className="break-all">
                {d.from !== null && (
                  <div className="text-down-fg">
                    − {d.name}={d.from}
                  </div>
                )}
                {d.to !== null && (
                  <div className="text-healthy-fg">
                    + {d.name}={d.to}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </Section>
      )}

      {plan.listenerSwitch && <ListenerSwitchSection plan={plan.listenerSwitch} />}

      {plan.cost && <CostTable cost={plan.cost} />}

      <Section title="Guards">
        <ul className="flex flex-col gap-1">
          {plan.guards.map((g) => (
            <li key={g.id} data-testid="plan-guard" data-guard={g.id} data-status={g.status} className="flex items-start gap-2 text-[12px]">
              <Badge tone={GUARD_TONE[g.status]} className="mt-px w-[104px] shrink-0 justify-start" title={GUARD_WORD[g.status]}>
                <span aria-hidden className="font-bold">
                  {GUARD_MARK[g.status]}
                </span>
                {GUARD_WORD[g.status]}
              </Badge>
              <span className="min-w-0">
                <span className="font-medium text-fg">{g.label}</span>
                {g.detail && <span className="text-fg-muted"> — {g.detail}</span>}
              </span>
            </li>
          ))}
          {plan.guards.length === 0 && <li className="text-[12px] text-fg-subtle">No guards apply.</li>}
        </ul>
      </Section>
    </div>
  );
}

const DIGEST_WORD: Record<NonNullable<Plan['image']>['status'], string> = {
  pinned: 'pinned by digest',
  resolved: 'tag resolved in ECR',
  not_found: 'not in ECR',
  not_ecr: 'digest not read',
  unreadable: 'ECR not readable',
};

/** The digest the image resolves to, and the reference the new revision is registered with. */
function ImageDigest({ image }: { image: NonNullable<Plan['image']> }) {
  const known = image.digest !== null;
  return (
    <div data-testid="plan-image-digest" data-status={image.status} className="mt-1 flex flex-col gap-0.5 text-[11.5px]">
      <span className="flex flex-wrap items-baseline gap-x-2">
        <Badge tone={known ? 'healthy' : 'degraded'}>{DIGEST_WORD[image.status]}</Badge>
        {known ? <span className="break-all font-mono text-fg">{image.digest}</span> : <span className="text-fg-muted">{image.detail}</span>}
      </span>
      <span className="text-fg-subtle">
        registered as <span className="break-all font-mono">{image.deployed}</span>
      </span>
    </div>
  );
}

function FromTo({ from, to }: { from: string | null; to: string | null }) {
  return (
    <span className="flex flex-wrap items-baseline gap-x-2 font-mono text-[12px]">
      <span className={cn('break-all', from === null ? 'text-fg-subtle' : 'text-fg-muted')}>{from ?? 'none'}</span>
      <span aria-label="becomes" className="text-fg-subtle">
        →
      </span>
      <span className={cn('break-all font-semibold', to === null ? 'text-fg-subtle' : 'text-fg')}>{to ?? 'none'}</span>
    </span>
  );
}

function CostTable({ cost }: { cost: NonNullable<Plan['cost']> }) {
  const [now, after] = costLines(cost);
  return (
    <Section title="Capacity and cost">
      <table data-testid="plan-cost" className="w-full text-[12px] tabular-nums">
        <thead className="text-left text-[11px] text-fg-subtle">
          <tr>
            <th className="py-1 font-normal" />
            <th className="py-1 font-normal">tasks</th>
            <th className="py-1 font-normal">vCPU</th>
            <th className="py-1 font-normal">memory</th>
            <th className="py-1 text-right font-normal">≈ per hour</th>
            <th className="py-1 text-right font-normal">≈ per month</th>
          </tr>
        </thead>
        <tbody>
          {[now!, after!].map((l) => (
            <tr key={l.label} className={cn('border-t border-border', l.label === 'after' && 'font-semibold text-fg')}>
              <th scope="row" className="py-1 pr-2 text-left font-normal text-fg-muted">
                {l.label}
              </th>
              <td className="py-1">{l.count}</td>
              <td className="py-1">{l.cpu}</td>
              <td className="py-1">{l.memory}</td>
              <td className="py-1 text-right">{l.perHour}</td>
              <td className="py-1 text-right">{l.perMonth}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-1 text-[11px] text-fg-subtle">Fargate on-demand list price (us-east-1), before savings plans.</p>
    </Section>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="rounded-md border border-border bg-bg/40 px-3 py-2">
      <h3 className="mb-1.5 text-[11px] font-semibold uppercase tracking-wide text-fg-subtle">{title}</h3>
      {children}
    </section>
  );
}

/** Blue/green by listener switch: which listener moves from which group to which, and the stages in order. */
function ListenerSwitchSection({ plan }: { plan: ListenerSwitchPlan }) {
  return (
    <Section title="Blue/green by listener switch">
      <p data-testid="plan-listener-switch" className="flex flex-wrap items-baseline gap-x-2 text-[12px]">
        <span className="text-fg-muted">Listener{plan.listenerPort !== null ? ` :${plan.listenerPort}` : ''}</span>
        <FromTo from={plan.from.name} to={plan.to.name} />
      </p>
      <ol className="mt-1.5 flex list-decimal flex-col gap-0.5 pl-5 text-[12px] text-fg-muted">
        {plan.stages.map((s, i) => (
          <li key={i} data-testid="plan-stage">
            {s}
          </li>
        ))}
      </ol>
      <p className="mt-1.5 text-[11px] text-fg-subtle">Traffic only ever goes to a group with healthy targets: the listener stays where it is until the other group can take it.</p>
    </Section>
  );
}

import type { Deployment } from '@/lib/aws/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Badge, type Tone } from '@/components/ui/badge';
import { formatUtc } from '@/components/ui/time-format';
import type { DeploymentHistoryEntry, DeploymentOutcome } from '@/lib/fleet/deployment-history';
import { ProgressBar, type ProgressTone } from '@/components/ui/progress-bar';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/components/ui/cn';
import { taskDefinitionLabel } from './format';

function progressTone(d: Deployment): ProgressTone {
  if (d.rolloutState === 'FAILED') return 'down';
  if (d.rolloutState === 'IN_PROGRESS') return 'deploying';
  // An older deployment shrinking is expected, not a problem.
  if (d.status !== 'PRIMARY') return 'unknown';
  if (d.runningCount < d.desiredCount) return 'degraded';
  return 'healthy';
}

const rolloutClass: Record<string, string> = {
  IN_PROGRESS: 'text-deploying-fg',
  FAILED: 'text-down-fg',
  COMPLETED: 'text-fg-muted',
};

export function DeploymentsCard({
  deployments,
  history,
  historyError = null,
}: {
  deployments: Deployment[];
  /** ECS's service deployments, newest first; undefined where the caller has none to show. */
  history?: DeploymentHistoryEntry[] | null;
  historyError?: string | null;
}) {
  // "codeflow:3 (v1.5.1)": the history has named the revisions (with their image tags) already.
  const labels = new Map((history ?? []).flatMap((h) => (h.revision ? [[h.revision.taskDefinitionArn, h.revision.label] as const] : [])));
  return (
    <Card data-testid="deployments">
      <CardHeader title="Deployments" meta={deployments.length > 1 ? `${deployments.length} deployments hold tasks` : undefined} />
      {deployments.length === 0 ? (
        <EmptyState>No deployments.</EmptyState>
      ) : (
        <Table>
          <colgroup>
            <col className="w-[96px]" />
            <col className="w-[280px]" />
            <col />
            <col className="w-[180px]" />
            <col className="w-[72px]" />
            <col className="w-[72px]" />
            <col className="w-[96px]" />
            <col className="w-[96px]" />
          </colgroup>
          <THead>
            <tr>
              <Th>Status</Th>
              <Th>Task definition</Th>
              <Th>Rollout</Th>
              <Th>Running / desired</Th>
              <Th className="text-right">Pending</Th>
              <Th className="text-right">Failed</Th>
              <Th>Created</Th>
              <Th>Updated</Th>
            </tr>
          </THead>
          <tbody>
            {deployments.map((d) => (
              <Tr key={d.id} data-testid="deployment-row" data-status={d.status} data-rollout={d.rolloutState ?? ''}>
                <Td>
                  <Badge tone={d.status === 'PRIMARY' ? 'deploying' : 'neutral'}>{d.status}</Badge>
                </Td>
                <Td>
                  <span title={d.taskDefinitionArn} className="block truncate font-mono text-[12px]">
                    {labels.get(d.taskDefinitionArn) ?? taskDefinitionLabel(d.taskDefinitionArn)}
                  </span>
                </Td>
                <Td>
                  <span className={cn('font-mono text-[11px] font-medium', rolloutClass[d.rolloutState ?? ''] ?? 'text-fg-subtle')}>
                    {d.rolloutState ?? '—'}
                  </span>
                  {d.rolloutStateReason && <p className="mt-0.5 text-xs text-fg-muted">{d.rolloutStateReason}</p>}
                </Td>
                <Td>
                  <div className="flex items-center gap-2">
                    <ProgressBar
                      value={d.runningCount}
                      max={d.desiredCount}
                      tone={progressTone(d)}
                      label={`${d.runningCount} of ${d.desiredCount} tasks running`}
                      className="w-24"
                    />
                    <span className="whitespace-nowrap tabular-nums">
                      {d.runningCount} / {d.desiredCount}
                    </span>
                  </div>
                </Td>
                <Td className="text-right tabular-nums">{d.pendingCount}</Td>
                <Td className={cn('text-right tabular-nums', d.failedTasks > 0 && 'font-medium text-down-fg')}>{d.failedTasks}</Td>
                <Td>
                  <RelativeTime iso={d.createdAt} className="whitespace-nowrap text-fg-muted" />
                </Td>
                <Td>
                  <RelativeTime iso={d.updatedAt} className="whitespace-nowrap text-fg-muted" />
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
      {history !== undefined && <DeploymentHistory history={history} error={historyError} />}
    </Card>
  );
}

const outcomeTone: Record<DeploymentOutcome, Tone> = {
  'in-progress': 'deploying',
  succeeded: 'healthy',
  failed: 'down',
  'rolled-back': 'degraded',
  stopped: 'neutral',
};
const outcomeLabel: Record<DeploymentOutcome, string> = {
  'in-progress': 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'failed, rolled back',
  stopped: 'stopped',
};

/**
 * What was deployed lately and how each ended, from ECS's service deployment history: a revision
 * the circuit breaker rolled back stays here (the service's own deployments forget it at once).
 */
function DeploymentHistory({ history, error }: { history: DeploymentHistoryEntry[] | null; error: string | null }) {
  const bad = history?.filter((d) => d.outcome === 'failed' || d.outcome === 'rolled-back').length ?? 0;
  return (
    <section data-testid="deployment-history" aria-labelledby="deployment-history-title">
      <h3 id="deployment-history-title" className="flex flex-wrap items-baseline gap-x-2 border-y border-border bg-surface-2 px-4 py-1.5 text-[11px] font-medium uppercase tracking-wide text-fg-subtle">
        Recent deployments
        {history && history.length > 0 && (
          <span className="font-normal normal-case tracking-normal">
            newest {history.length}
            {bad > 0 && <span className="font-medium text-down-fg"> · {bad} failed or rolled back</span>}
          </span>
        )}
      </h3>
      {error && (
        <p role="status" className="px-4 py-1.5 text-xs text-degraded-fg">
          {history ? `Showing the last history read: ${error}` : `The deployment history could not be read: ${error}`}
        </p>
      )}
      {history && history.length === 0 && <EmptyState>ECS lists no deployments of this service.</EmptyState>}
      {history && history.length > 0 && (
        <ol>
          {history.map((d) => (
            <li
              key={d.arn}
              data-testid="history-row"
              data-outcome={d.outcome}
              data-status={d.status}
              className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 border-b border-border px-4 py-1.5 text-[12px] last:border-b-0"
            >
              <Badge tone={outcomeTone[d.outcome]} title={d.status}>
                {outcomeLabel[d.outcome]}
              </Badge>
              <span data-testid="history-revision" className="font-mono text-fg" title={d.revision?.taskDefinitionArn}>
                {d.revision?.label ?? 'revision unknown'}
              </span>
              {d.failedTasks !== null && d.failedTasks > 0 && <span className="text-down-fg">{d.failedTasks} tasks failed</span>}
              {(d.rollbackReason ?? d.statusReason) && <span className="min-w-0 text-fg-muted [overflow-wrap:anywhere]">{d.rollbackReason ?? d.statusReason}</span>}
              <span className="ml-auto whitespace-nowrap text-fg-subtle">
                {d.startedAt ? (
                  <>
                    <time dateTime={d.startedAt}>{formatUtc(d.startedAt).slice(5, 16)}</time> UTC · <RelativeTime iso={d.startedAt} />
                  </>
                ) : (
                  'not started'
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

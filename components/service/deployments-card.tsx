import type { Deployment } from '@/lib/aws/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Badge } from '@/components/ui/badge';
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

export function DeploymentsCard({ deployments }: { deployments: Deployment[] }) {
  return (
    <Card data-testid="deployments">
      <CardHeader title="Deployments" meta={deployments.length > 1 ? `${deployments.length} deployments hold tasks` : undefined} />
      {deployments.length === 0 ? (
        <EmptyState>No deployments.</EmptyState>
      ) : (
        <Table>
          <colgroup>
            <col className="w-[96px]" />
            <col className="w-[200px]" />
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
                    {taskDefinitionLabel(d.taskDefinitionArn)}
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
    </Card>
  );
}

import Link from 'next/link';
import type { ContainerDefinition, Task, TaskContainer } from '@/lib/aws/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Badge, type Tone } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { revisionLabel, shortTaskId } from './format';
import type { PlaceRef } from '@/lib/accounts/places';

function healthTone(h: string | null): Tone {
  if (h === 'HEALTHY') return 'healthy';
  if (h === 'UNHEALTHY') return 'down';
  return 'unknown';
}

/** Where a task's container logs: the awslogs driver writes `ecs/<container>/<task id>` in the definition's group. */
function logsHref(task: Task, containers: ContainerDefinition[], place: PlaceRef | null, containerName?: string): string | null {
  const c = containers.find((d) => d.logGroup && (!containerName || d.name === containerName)) ?? containers.find((d) => d.logGroup);
  if (!c?.logGroup) return null;
  const params = new URLSearchParams({ ...(place ? { account: place.accountId, region: place.region } : {}), group: c.logGroup, stream: `ecs/${c.name}/${task.id}` });
  const end = task.stoppedAt ?? task.stoppingAt;
  if (end) params.set('end', end);
  return `/logs?${params}`;
}

function LogsLink({ href }: { href: string | null }) {
  if (!href) return null;
  return (
    <Link href={href} data-testid="task-logs-link" className="text-[12px] text-accent hover:underline">
      logs
    </Link>
  );
}

export function TasksCard({
  running,
  stopped,
  stoppedTotal = stopped.length,
  crashedTotal,
  containers = [],
  place = null,
}: {
  running: Task[];
  /** Crashed first, then newest; the server bounds the list. */
  stopped: Task[];
  stoppedTotal?: number;
  crashedTotal?: number;
  containers?: ContainerDefinition[];
  /** The account and Region outside home, so the logs links open there. */
  place?: PlaceRef | null;
}) {
  const crashed = crashedTotal ?? stopped.filter(isCrashed).length;
  return (
    <Card data-testid="tasks">
      <CardHeader title="Tasks" meta={`${running.length} running · ${stoppedTotal} recently stopped${crashed > 0 ? `, ${crashed} crashed` : ''}`} />
      {running.length === 0 ? (
        <EmptyState>No running tasks.</EmptyState>
      ) : (
        <Table>
          <colgroup>
            <col className="w-[128px]" />
            <col className="w-[200px]" />
            <col className="w-[160px]" />
            <col className="w-[104px]" />
            <col />
            <col className="w-[88px]" />
          </colgroup>
          <THead>
            <tr>
              <Th>Task</Th>
              <Th>Revision</Th>
              <Th>Status</Th>
              <Th>Health</Th>
              <Th>Zone</Th>
              <Th>Started</Th>
            </tr>
          </THead>
          <tbody>
            {running.map((t) => (
              <Tr key={t.arn} data-testid="task-row" data-task={t.id}>
                <Td>
                  <span title={t.arn} className="font-mono text-[12px]">
                    {shortTaskId(t.id)}
                  </span>{' '}
                  <LogsLink href={logsHref(t, containers, place)} />
                </Td>
                <Td className="truncate font-mono text-[12px] text-fg-muted" title={t.taskDefinitionArn}>
                  {revisionLabel(t.taskDefinitionArn, mainImage(t))}
                </Td>
                <Td className="text-[12px]">
                  {t.lastStatus}
                  {t.desiredStatus !== t.lastStatus && <span className="text-fg-subtle"> → {t.desiredStatus}</span>}
                </Td>
                <Td>
                  <Badge tone={healthTone(t.healthStatus)}>{t.healthStatus ?? 'UNKNOWN'}</Badge>
                </Td>
                <Td className="text-[12px] text-fg-muted">{t.availabilityZone ?? '—'}</Td>
                <Td>
                  <RelativeTime iso={t.startedAt ?? t.createdAt} className="whitespace-nowrap text-fg-muted" />
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}

      {stopped.length > 0 && (
        <>
          <h3 className="flex flex-wrap items-baseline gap-x-2 border-y border-border bg-surface-2 px-4 py-1.5 text-[11px] font-medium uppercase tracking-wide text-fg-subtle">
            Recently stopped
            <span data-testid="stopped-summary" className="font-normal normal-case tracking-normal">
              {stoppedTotal > stopped.length ? `${stopped.length} of ${stoppedTotal} shown` : `${stoppedTotal}`}
              {crashed > 0 ? ` · crashed first (${crashed} exited non-zero)` : ''}
            </span>
          </h3>
          <ul>
            {stopped.map((t) => (
              <StoppedTask key={t.arn} task={t} containers={containers} place={place} />
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

function mainImage(t: Task): string | null {
  return t.containers.find((c) => c.image)?.image ?? null;
}

function isCrashed(t: Task): boolean {
  return t.containers.some((c) => c.exitCode !== null && c.exitCode !== 0);
}

function StoppedTask({ task: t, containers, place }: { task: Task; containers: ContainerDefinition[]; place: PlaceRef | null }) {
  const exits = t.containers.filter((c) => c.exitCode !== null || c.reason);
  const failed = t.containers.find((c) => c.exitCode !== null && c.exitCode !== 0);
  const exitCode = failed?.exitCode ?? t.containers.find((c) => c.exitCode !== null)?.exitCode ?? null;
  return (
    <li data-testid="stopped-task" data-task={t.id} data-crashed={failed ? 'true' : 'false'} data-exit-code={exitCode ?? ''} className="border-b border-border px-4 py-2 last:border-b-0">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        {exitCode !== null && (
          <Badge tone={failed ? 'down' : 'neutral'}>
            <span data-testid="stopped-exit-code">exit {exitCode}</span>
          </Badge>
        )}
        <span title={t.arn} className="font-mono text-[12px]">
          {shortTaskId(t.id)}
        </span>
        <span className="font-mono text-[12px] text-fg-subtle">{revisionLabel(t.taskDefinitionArn, mainImage(t))}</span>
        {t.stopCode && <Badge tone="neutral">{t.stopCode}</Badge>}
        <LogsLink href={logsHref(t, containers, place, failed?.name)} />
        <span className="ml-auto text-xs text-fg-subtle">
          stopped <RelativeTime iso={t.stoppedAt ?? t.stoppingAt} />
        </span>
      </div>
      {t.stoppedReason && <p className="mt-1 text-[12px] text-fg">{t.stoppedReason}</p>}
      {exits.length > 0 && (
        <ul className="mt-1 flex flex-col gap-0.5">
          {exits.map((c) => (
            <ContainerExit key={c.name} container={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ContainerExit({ container: c }: { container: TaskContainer }) {
  const failed = c.exitCode !== null && c.exitCode !== 0;
  return (
    <li className="text-[12px] text-fg-muted">
      <span className="font-mono">{c.name}</span>
      {c.exitCode !== null && (
        <span className={failed ? 'font-medium text-down-fg' : undefined}> exit {c.exitCode}</span>
      )}
      {c.reason && <span> — {c.reason}</span>}
    </li>
  );
}

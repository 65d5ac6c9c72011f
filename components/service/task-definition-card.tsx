import type { ReactNode } from 'react';
import type { ContainerDefinition, TaskDefinition } from '@/lib/aws/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';

export function TaskDefinitionCard({ taskDefinition: td }: { taskDefinition: TaskDefinition | null }) {
  if (!td) {
    return (
      <Card data-testid="task-definition">
        <CardHeader title="Task definition" />
        <EmptyState>The task definition could not be read.</EmptyState>
      </Card>
    );
  }
  return (
    <Card data-testid="task-definition">
      <CardHeader
        title="Task definition"
        meta={
          <span title={td.arn} className="font-mono text-fg-muted">
            {td.family}:{td.revision}
            {td.status !== 'ACTIVE' && ` (${td.status})`}
          </span>
        }
      />
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1 border-b border-border px-4 py-2.5 text-[12px]">
        <Field label="CPU">{td.cpu ? `${td.cpu} units` : '—'}</Field>
        <Field label="Memory">{td.memory ? `${td.memory} MiB` : '—'}</Field>
        <Field label="Network mode">{td.networkMode ?? '—'}</Field>
        <Field label="Registered">
          <RelativeTime iso={td.registeredAt} />
        </Field>
        <Field label="Task role">
          <Arn value={td.taskRoleArn} />
        </Field>
        <Field label="Execution role">
          <Arn value={td.executionRoleArn} />
        </Field>
      </dl>
      <ul className="divide-y divide-border">
        {td.containers.map((c) => (
          <ContainerSection key={c.name} container={c} />
        ))}
      </ul>
    </Card>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

function Arn({ value }: { value: string | null }) {
  if (!value) return <span className="text-fg-subtle">—</span>;
  return (
    <span title={value} className="block truncate font-mono text-[11px]">
      {value}
    </span>
  );
}

/** Names only: values may be secrets and never reach the browser. */
function ContainerSection({ container: c }: { container: ContainerDefinition }) {
  const ports = c.portMappings.map((p) => `${p.containerPort}/${p.protocol}`).join(', ');
  return (
    <li data-testid="container" data-container={c.name} className="px-4 py-2.5 text-[12px]">
      <div className="flex items-center gap-2">
        <h3 className="font-mono font-semibold">{c.name}</h3>
        {c.essential && <Badge tone="neutral">essential</Badge>}
        <span className="ml-auto text-fg-subtle tabular-nums">
          {[c.cpu !== null && `${c.cpu} cpu`, c.memory !== null && `${c.memory} MiB`].filter(Boolean).join(' · ')}
        </span>
      </div>
      <p title={c.image} className="mt-1 break-all font-mono text-[11px] text-fg">
        {c.image}
      </p>
      <dl className="mt-1.5 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
        {ports && <Field label="Ports">{<span className="font-mono">{ports}</span>}</Field>}
        {c.logGroup && <Field label="Logs">{<span className="font-mono">{c.logGroup}</span>}</Field>}
        <Field label="Env">
          <NameList names={c.environmentNames} empty="none" />
        </Field>
        <Field label="Secrets">
          <NameList names={c.secretNames} empty="none" secret />
        </Field>
      </dl>
    </li>
  );
}

function NameList({ names, empty, secret }: { names: string[]; empty: string; secret?: boolean }) {
  if (names.length === 0) return <span className="text-fg-subtle">{empty}</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {names.map((n) => (
        <li key={n} className="rounded border border-border bg-surface-2 px-1 font-mono text-[11px]" title={secret ? 'Secret (value not shown)' : 'Environment variable (value not shown)'}>
          {secret && (
            <svg aria-hidden viewBox="0 0 16 16" className="mr-1 inline size-2.5 -translate-y-px text-fg-subtle" fill="currentColor">
              <path d="M4.5 7V5a3.5 3.5 0 1 1 7 0v2H13v8H3V7h1.5Zm1.5 0h4V5a2 2 0 1 0-4 0v2Z" />
            </svg>
          )}
          {n}
        </li>
      ))}
    </ul>
  );
}

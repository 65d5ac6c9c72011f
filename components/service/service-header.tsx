'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import type { ServiceDetail } from '@/lib/fleet/types';
import { VerdictBadge } from '@/components/fleet/verdict-badge';
import { UpdatedAgo } from '@/components/fleet/updated-ago';
import { RelativeTime } from '@/components/ui/relative-time';
import { buttonClass } from '@/components/ui/error-panel';
import { cn } from '@/components/ui/cn';
import { OpenIncidentButton } from '@/components/incidents/open-incident-button';
import type { IncidentPrefill } from '@/components/incidents/open-incident-dialog';

const reasonTone = {
  down: 'text-down-fg',
  degraded: 'text-degraded-fg',
  deploying: 'text-deploying-fg',
  unknown: 'text-fg-muted',
  healthy: 'text-fg-muted',
} as const;

export function ServiceHeader({
  detail,
  updatedAt,
  fetching,
  refreshError,
  actions,
  elsewhere = false,
}: {
  detail: ServiceDetail;
  /** Outside the home account and Region: the breadcrumb's cluster link keeps the account and Region. */
  elsewhere?: boolean;
  updatedAt: number;
  fetching: boolean;
  refreshError: string | null;
  /** The guarded actions the user may start (none for viewers and responders). */
  actions?: ReactNode;
}) {
  const { service, health } = detail;
  const cb = service.circuitBreaker;
  return (
    <header className="flex flex-col gap-2">
      <nav aria-label="Breadcrumb" className="flex items-center gap-1.5 text-xs text-fg-subtle">
        <Link href="/" className="hover:text-fg hover:underline">
          Overview
        </Link>
        <span aria-hidden>/</span>
        <Link href={`/?${elsewhere ? `account=${encodeURIComponent(health.account)}&region=${encodeURIComponent(health.region)}&` : ''}cluster=${encodeURIComponent(detail.cluster)}`} className="font-mono hover:text-fg hover:underline">
          {detail.cluster}
        </Link>
        <span aria-hidden>/</span>
        <span className="font-mono text-fg-muted">{service.name}</span>
      </nav>

      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight" data-testid="service-name">
          {service.name}
        </h1>
        <VerdictBadge verdict={health.verdict} />
        <div className="ml-auto flex flex-wrap items-center gap-3">
          {actions}
          <OpenIncidentButton testId="service-open-incident" className={buttonClass} prefill={incidentPrefill(detail)} />
          <UpdatedAgo updatedAt={updatedAt} fetching={fetching} failed={refreshError !== null} />
          <a href={detail.awsConsoleUrl} target="_blank" rel="noreferrer noopener" className={buttonClass}>
            Open in AWS console
            <span aria-hidden className="text-fg-subtle">
              ↗
            </span>
          </a>
        </div>
      </div>

      {health.reasons.length > 0 && (
        <ul data-testid="service-reasons" className={cn('flex flex-wrap gap-x-4 gap-y-0.5 text-[13px]', reasonTone[health.verdict])}>
          {health.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}

      {detail.stale && (
        <p data-testid="service-stale" role="status" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-1.5 text-xs text-degraded-fg">
          <strong className="font-semibold">stale</strong> — last updated <RelativeTime iso={detail.fetchedAt} />
          {detail.error ? `: ${detail.error}` : ''}
        </p>
      )}

      {refreshError && (
        <p role="status" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-1.5 text-xs text-degraded-fg">
          Refresh failed: {refreshError} — showing the last data received.
        </p>
      )}

      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-fg-muted">
        <Meta label="Cluster">
          <span className="font-mono">{detail.cluster}</span>
        </Meta>
        <Meta label="Tasks">
          <span className="tabular-nums">
            {service.runningCount} running / {service.desiredCount} desired
            {service.pendingCount > 0 && `, ${service.pendingCount} pending`}
          </span>
        </Meta>
        <Meta label="Launch type">{service.launchType ?? '—'}</Meta>
        <Meta label="Deployments">{service.deploymentController}</Meta>
        <Meta label="Circuit breaker">{cb?.enabled ? (cb.rollback ? 'on, with rollback' : 'on') : 'off'}</Meta>
        <Meta label="Status">{service.status}</Meta>
        <Meta label="Created">
          <RelativeTime iso={service.createdAt} />
        </Meta>
      </dl>
    </header>
  );
}

/**
 * Opening an incident from a service page names the service, and when the verdict is bad, says what
 * the page says (a down service suggests P1); the responder edits before opening.
 */
export function incidentPrefill(detail: Pick<ServiceDetail, 'cluster' | 'health'>): IncidentPrefill {
  const { health } = detail;
  const bad = health.verdict === 'down' || health.verdict === 'degraded';
  return {
    services: [{ account: health.account, region: health.region, cluster: detail.cluster, service: health.name }],
    source: { kind: 'manual', ref: null },
    ...(bad ? { title: `${health.name} ${health.verdict}${health.reasons[0] ? `: ${health.reasons[0]}` : ''}`.slice(0, 200), severity: health.verdict === 'down' ? 'P1' : 'P2' } : {}),
  };
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex gap-1.5">
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="text-fg">{children}</dd>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { drStatusQuery } from '@/lib/api/dr/queries';
import type { DatabaseDrStatus, DrStatus } from '@/lib/dr/status';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { formatAge, formatUtc } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { PlaceLabel } from '@/components/places/place-filter-selects';
import { PlaceReadsNote } from '@/components/places/place-reads-note';
import { usePlaceFilter } from '@/components/places/use-place-filter';

const hours = (h: number) => (h === 1 ? '1 h' : `${h} h`);

/**
 * Self-contained (fetches its own data): guide §6.6's RTO and RPO targets and, per database, the
 * age of its newest restorable AWS Backup recovery point against the RPO. Viewers and up.
 */
export function DrStatusPanel() {
  const [filter] = usePlaceFilter();
  const query = useQuery(drStatusQuery(filter));
  const data = query.data;
  return (
    <Card data-testid="dr-status-panel">
      <CardHeader
        title="Disaster recovery"
        meta={data ? `RTO ${hours(data.rtoHours)} · RPO ${hours(data.rpoHours)} · guide §6.6` : 'guide §6.6'}
        actions={data?.configured && <Summary status={data} />}
      />
      <CardBody className="py-2">
        {query.isPending && <p className="text-xs text-fg-subtle">Reading AWS Backup…</p>}
        {query.isError && !data && (
          <p role="alert" className="text-xs text-down-fg">
            DR status could not be loaded: {query.error.message}
          </p>
        )}
        {data && <Body status={data} />}
      </CardBody>
    </Card>
  );
}

function Summary({ status }: { status: DrStatus }) {
  const bad = status.counts.breached + status.counts.none;
  return (
    <span data-testid="dr-summary" className={`text-xs tabular-nums ${bad > 0 ? 'font-semibold text-down-fg' : 'text-fg-subtle'}`}>
      {bad > 0 ? `${bad} of ${status.databases.length} beyond RPO` : `${status.counts.ok} of ${status.databases.length} within RPO`}
    </span>
  );
}

function Body({ status }: { status: DrStatus }) {
  if (!status.configured) {
    return (
      <p data-testid="dr-not-configured" className="text-[13px] text-fg-muted">
        DR status is not configured: no databases or backup vault are set in the <code className="font-mono text-xs">dr</code> section of codeflow.config.json, so
        recovery points are not being checked. Targets: restore within {hours(status.rtoHours)} (RTO), lose at most {hours(status.rpoHours)} of data (RPO).
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-2">
      {status.places ? (
        <PlaceReadsNote places={status.places} what="recovery points" />
      ) : (
        status.error && (
          <p role="alert" className="text-xs text-degraded-fg">
            {status.error}
          </p>
        )
      )}
      {status.databases.length === 0 &&
        !status.error &&
        (status.backupVaultName ? (
          <p className="text-xs text-fg-subtle">No recovery points found in vault {status.backupVaultName}.</p>
        ) : (
          <p data-testid="dr-none-shown" className="text-xs text-fg-subtle">
            None of the configured databases is in the accounts and Regions shown.
          </p>
        ))}
      <ul className="flex flex-col gap-2">
        {status.databases.map((db) => (
          <DatabaseRow key={`${db.place?.account ?? ''}/${db.place?.region ?? ''}/${db.resourceArn}`} db={db} rpoHours={status.rpoHours} checkedAt={status.checkedAt} />
        ))}
      </ul>
      <p className="text-[11px] text-fg-subtle">
        A restore must finish within the RTO ({hours(status.rtoHours)}); each database needs a restorable recovery point younger than the RPO ({hours(status.rpoHours)}).
        {status.sandboxDefaults && ' Sandbox: showing its seeded databases because none are configured.'}
      </p>
    </div>
  );
}

function DatabaseRow({ db, rpoHours, checkedAt }: { db: DatabaseDrStatus; rpoHours: number; checkedAt: string }) {
  const now = useNow();
  // Ages tick in the browser from the server's measurement.
  const age = db.ageSeconds === null ? null : db.ageSeconds + Math.max(0, (now - Date.parse(checkedAt)) / 1000);
  const over = age !== null && age > rpoHours * 3600;
  const state = db.state === 'unknown' ? 'unknown' : db.state === 'none' ? 'none' : over ? 'breached' : 'ok';
  return (
    <li data-testid="dr-database" data-database={db.name} data-state={state} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5 text-[13px]">
      {state === 'ok' && <Badge tone="healthy">Within RPO</Badge>}
      {state === 'breached' && <Badge tone="down">RPO breached</Badge>}
      {state === 'none' && <Badge tone="down">No recovery point</Badge>}
      {state === 'unknown' && <Badge tone="unknown">Unknown</Badge>}
      <span className="font-medium text-fg" title={db.resourceArn}>
        {db.name}
      </span>
      {db.place && <PlaceLabel place={db.place} />}
      <span data-testid="dr-age" className="text-xs text-fg-muted" suppressHydrationWarning>
        {age !== null && db.latest ? (
          <>
            last recovery point <time dateTime={db.latest.createdAt} title={formatUtc(db.latest.createdAt)}>{formatAge(age)} ago</time>
            {over && ` (${formatAge(age - rpoHours * 3600)} past the RPO)`}
          </>
        ) : db.state === 'unknown' ? (
          db.error
        ) : (
          'no restorable recovery point in AWS Backup'
        )}
      </span>
      {db.newerIncomplete && (
        <span className="basis-full pl-1 text-xs text-degraded-fg">
          Newer backup {db.newerIncomplete.status.toLowerCase()} at {formatUtc(db.newerIncomplete.createdAt)}
          {db.newerIncomplete.statusMessage && `: ${db.newerIncomplete.statusMessage}`}
        </span>
      )}
    </li>
  );
}

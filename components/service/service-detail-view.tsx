'use client';

import { useQuery } from '@tanstack/react-query';
import type { PlaceRef } from '@/lib/accounts/places';
import { serviceDetailQuery } from '@/lib/api/queries';
import { ApiError } from '@/lib/api/fetch-json';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { ServiceHeader } from './service-header';
import { DeploymentsCard } from './deployments-card';
import { TasksCard } from './tasks-card';
import { TargetHealthCard } from './target-health-card';
import { TaskDefinitionCard } from './task-definition-card';
import { EventsCard } from './events-card';
import { ServiceDetailSkeleton } from './service-detail-skeleton';
import { ServiceAlarmsCard } from '@/components/alarms/service-alarms-card';
import { loadBalancerDimensionsOf } from './action-context';
import { ServiceMetricsSection } from '@/components/metrics/service-metrics-section';
import { ServiceActions, type ServiceActionPermissions } from '@/components/ops/service-actions';
import { ActiveOperationBanner, ServiceOperationsCard } from '@/components/ops/service-operations-card';
import { ReadOnlyBanner } from '@/components/ops/read-only-banner';
import { actionContextOf } from './action-context';

export function ServiceDetailView({
  cluster,
  service,
  place = null,
  where,
  placeName,
  permissions,
  maxDesiredCount,
}: {
  cluster: string;
  service: string;
  /** The service's account and Region when they are not home's (every read names them). */
  place?: PlaceRef | null;
  /** The service's account and Region, home included: its operations are filtered by them. */
  where?: PlaceRef;
  /** "staging (210987654321) us-east-1", shown when there are several accounts or Regions. */
  placeName?: string;
  permissions: ServiceActionPermissions;
  /** The policy's ceiling on a desired count, so the scale dialog checks it as the count is typed. */
  maxDesiredCount?: number;
}) {
  const query = useQuery(serviceDetailQuery(cluster, service, place));
  const detail = query.data;

  if (!detail) {
    if (query.isError) {
      return (
        <ErrorPanel
          title={`${service} could not be loaded`}
          message={query.error.message}
          action={
            <button type="button" className={buttonClass} onClick={() => query.refetch()}>
              Try again
            </button>
          }
        />
      );
    }
    return <ServiceDetailSkeleton />;
  }

  // The service was deleted (or the cluster removed) while this page was open.
  const gone = query.error instanceof ApiError && query.error.status === 404;

  return (
    <div className="flex flex-col gap-4" data-testid="service-detail" data-verdict={detail.health.verdict}>
      <ServiceHeader
        detail={detail}
        updatedAt={query.dataUpdatedAt}
        fetching={query.isFetching}
        elsewhere={place !== null}
        refreshError={query.isRefetchError ? (gone ? `${query.error.message}. It may have been deleted` : query.error.message) : null}
        actions={<ServiceActions context={actionContextOf(detail, maxDesiredCount, place)} permissions={permissions} />}
      />
      {placeName && (
        <p data-testid="service-place" className="text-xs text-fg-muted">
          In <span className="font-medium text-fg">{placeName}</span>
        </p>
      )}
      <ReadOnlyBanner />
      <ActiveOperationBanner cluster={cluster} service={service} place={where} />
      <DeploymentsCard deployments={detail.service.deployments} history={detail.deploymentHistory} historyError={detail.deploymentHistoryError ?? null} />
      <ServiceMetricsSection cluster={cluster} service={service} place={place} />
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="flex min-w-0 flex-col gap-4">
          <TasksCard
            running={detail.tasks.running}
            stopped={detail.tasks.stopped}
            stoppedTotal={detail.tasks.stoppedTotal}
            crashedTotal={detail.tasks.crashedTotal}
            containers={detail.taskDefinition?.containers ?? []}
            place={place}
          />
          <ServiceOperationsCard cluster={cluster} service={service} place={where} />
          <EventsCard events={detail.events} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <ServiceAlarmsCard cluster={cluster} service={service} place={place} writeContext={permissions.alarms ? actionContextOf(detail, maxDesiredCount, place) : null} loadBalancer={loadBalancerDimensionsOf(detail)} />
          <TargetHealthCard targetGroups={detail.targetGroups} />
          <TaskDefinitionCard taskDefinition={detail.taskDefinition} />
        </div>
      </div>
    </div>
  );
}

import { queryOptions, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError, fetchJson } from '@/lib/api/fetch-json';
import type { PlaceRef } from '@/lib/accounts/places';
import { placeSearch } from '@/lib/api/place-search';
import type { Operation, OperationStatus, Plan, PlanRequest, ReadOnlySetting } from '@/lib/ops/types';
import { isFinished } from './format';

/** The progress view polls an unfinished operation this often (the contract's 2 s). */
export const OPERATION_POLL_MS = 2_000;
/**
 * A finished operation is still polled this long: what its end sets off lands just after it — the
 * automatic rollback it started (linked as its follow-up once that is planned and running), the
 * proposal, the notifications. A page that fetched in between would otherwise never show them.
 */
export const SETTLE_POLL_MS = 30_000;
/** Lists of operations refresh less eagerly; a running one is followed on its own page. */
export const OPERATIONS_LIST_POLL_MS = 5_000;

const servicePath = (cluster: string, service: string) => `/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}`;

export function operationQuery(id: string) {
  return queryOptions({
    queryKey: ['operations', 'one', id] as const,
    queryFn: ({ signal }) => fetchJson<{ operation: Operation }>(`/api/operations/${encodeURIComponent(id)}`, signal).then((r) => r.operation),
    // Until it has finished and settled; TanStack pauses interval refetches while the tab is
    // hidden (refetchIntervalInBackground is false) and refetches when it comes back.
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data) ? false : OPERATION_POLL_MS),
    refetchIntervalInBackground: false,
  });
}

/** Finished, and long enough ago that nothing it set off is still to be linked to it. */
export function isSettled(op: Pick<Operation, 'status' | 'finishedAt'>, now = Date.now()): boolean {
  if (!isFinished(op.status)) return false;
  const finishedAt = op.finishedAt ? Date.parse(op.finishedAt) : NaN;
  return !(now - finishedAt < SETTLE_POLL_MS);
}

export interface OperationsFilter {
  /** Account id and Region. */
  account?: string;
  region?: string;
  cluster?: string;
  service?: string;
  status?: 'active' | 'pending' | 'finished';
  limit?: number;
}

export function operationsSearch(filter: OperationsFilter): string {
  const params = new URLSearchParams();
  if (filter.account) params.set('account', filter.account);
  if (filter.region) params.set('region', filter.region);
  if (filter.cluster) params.set('cluster', filter.cluster);
  if (filter.service) params.set('service', filter.service);
  if (filter.status) params.set('status', filter.status);
  if (filter.limit) params.set('limit', String(filter.limit));
  return params.toString();
}

export function operationsQuery(filter: OperationsFilter) {
  return queryOptions({
    queryKey: ['operations', 'list', filter] as const,
    queryFn: ({ signal }) => fetchJson<{ operations: Operation[] }>(`/api/operations?${operationsSearch(filter)}`, signal).then((r) => r.operations),
    refetchInterval: OPERATIONS_LIST_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

export function readOnlyQuery() {
  return queryOptions({
    queryKey: ['settings', 'read-only'] as const,
    queryFn: ({ signal }) => fetchJson<ReadOnlySetting>('/api/settings/read-only', signal),
    refetchInterval: 15_000,
    staleTime: 5_000,
  });
}

/** A write with extra headers (the Idempotency-Key); errors arrive as ApiError with the server's message. */
async function send<T>(path: string, method: 'POST' | 'PUT', body: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      body: JSON.stringify(body ?? {}),
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
    });
  } catch {
    throw new ApiError(0, 'network', 'Codeflow’s server could not be reached; check your connection. Nothing was sent twice: retrying with the same dialog is safe.');
  }
  if (res.ok) return (await res.json()) as T;
  const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; requestId?: string; subCode?: unknown; fields?: unknown } } | null;
  throw new ApiError(res.status, payload?.error?.code ?? 'http', payload?.error?.message ?? `The server answered ${res.status} ${res.statusText}`.trim(), payload?.error?.requestId, {
    subCode: payload?.error?.subCode,
    fields: payload?.error?.fields,
  });
}

export function planOperation(cluster: string, service: string, request: PlanRequest, place?: PlaceRef | null): Promise<Plan> {
  return send<{ plan: Plan }>(`${servicePath(cluster, service)}/plan${placeSearch(place, '?')}`, 'POST', request).then((r) => r.plan);
}

export interface SubmitOperation {
  /** Account id and Region; home's when absent. */
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  request: PlanRequest;
  fingerprint: string;
  confirmName: string;
  reason: string;
  incidentId?: string;
}

export function submitOperation(body: SubmitOperation, idempotencyKey: string): Promise<Operation> {
  return send<{ operation: Operation }>('/api/operations', 'POST', body, { 'Idempotency-Key': idempotencyKey }).then((r) => r.operation);
}

export type OperationCommand = 'approve' | 'reject' | 'cancel' | 'continue';

export function commandOperation(id: string, command: OperationCommand, body: { reason?: string } = {}): Promise<Operation | undefined> {
  return send<{ operation?: Operation }>(`/api/operations/${encodeURIComponent(id)}/${command}`, 'POST', body).then((r) => r.operation);
}

export function rollbackOperation(id: string, body: { confirmName: string; reason: string }, idempotencyKey: string): Promise<Operation> {
  return send<{ operation: Operation }>(`/api/operations/${encodeURIComponent(id)}/rollback`, 'POST', body, { 'Idempotency-Key': idempotencyKey }).then((r) => r.operation);
}

export function setReadOnly(body: { readOnly: boolean; reason: string }): Promise<ReadOnlySetting> {
  return send<ReadOnlySetting>('/api/settings/read-only', 'PUT', body);
}

/**
 * What a refusal says about the page behind it, by its sub-code (never its message): the operation
 * moved on (`stale_plan`: closed or re-planned; `approval_required`: still waiting; `locked`: another
 * one runs) or read-only mode was turned on. Returns the queries to read again, so the page's
 * buttons follow the server instead of offering a step that has passed.
 */
export function queriesStaleAfter(e: unknown): QueryKey[] {
  if (!(e instanceof ApiError)) return [];
  switch (e.subCode) {
    case 'read_only':
      return [readOnlyQuery().queryKey];
    case 'stale_plan':
    case 'approval_required':
    case 'locked':
      return [['operations']];
    default:
      return [];
  }
}

export function refreshAfterRefusal(queryClient: QueryClient, e: unknown): void {
  for (const queryKey of queriesStaleAfter(e)) void queryClient.invalidateQueries({ queryKey });
}

/**
 * A fresh Idempotency-Key. getRandomValues works on plain-http origins too (randomUUID needs a
 * secure context, and an internal console is not always served over TLS).
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'ui-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type { OperationStatus };

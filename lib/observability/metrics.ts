import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { addObserver } from './hooks';

/*
 * The Prometheus registry behind /api/metrics. One per process, on globalThis (Next.js may load
 * this module once per bundle); it subscribes to the observability hooks, so the domain code never
 * imports prom-client. Labels are bounded: route patterns, AWS operation names, cache names, status
 * classes and outcome codes — never ids, paths or users.
 */

export interface CodeflowMetrics {
  registry: Registry;
  httpDuration: Histogram<'route' | 'method' | 'status_class'>;
  awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  awsDuration: Histogram<'service' | 'operation' | 'outcome'>;
  cacheLookups: Counter<'cache' | 'result'>;
  operations: Counter<'kind' | 'outcome'>;
  escalations: Counter<'role' | 'trigger'>;
  notifications: Counter<'event' | 'outcome'>;
}

// 200 ms is the guide's API target (§4.3): a bucket boundary there makes "share under 200 ms" exact.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
const AWS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): CodeflowMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'codeflow_http_request_duration_seconds',
      help: 'API request latency by route pattern, method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    awsCalls: new Counter({
      name: 'codeflow_aws_calls_total',
      help: 'AWS API calls by service, operation and outcome ("ok" or the error code)',
      labelNames: ['service', 'operation', 'outcome'],
      registers,
    }),
    awsDuration: new Histogram({
      name: 'codeflow_aws_call_duration_seconds',
      help: 'AWS API call latency, retries included, by service, operation and outcome',
      labelNames: ['service', 'operation', 'outcome'],
      buckets: AWS_BUCKETS,
      registers,
    }),
    cacheLookups: new Counter({
      name: 'codeflow_cache_lookups_total',
      help: 'Shared cache lookups by cache and result: hit (fresh), stale (expired: refreshed, or served stale when the refresh failed), miss (absent)',
      labelNames: ['cache', 'result'],
      registers,
    }),
    operations: new Counter({
      name: 'codeflow_operations_total',
      help: 'Guarded operations (deploy, rollback, scale, …) by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    escalations: new Counter({
      name: 'codeflow_incident_escalations_total',
      help: 'Escalation tiers reached, by role and trigger (timer or early)',
      labelNames: ['role', 'trigger'],
      registers,
    }),
    notifications: new Counter({
      name: 'codeflow_incident_notification_attempts_total',
      help: 'Incident notification delivery attempts by event and outcome (delivered, retry, failed)',
      labelNames: ['event', 'outcome'],
      registers,
    }),
  };
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/** Feeds `m` from the observability hooks; returns the unsubscribe function. */
export function observeInto(m: CodeflowMetrics, name = 'metrics'): () => void {
  return addObserver(name, {
    httpRequest: ({ route, method, status, durationMs }) => m.httpDuration.observe({ route, method, status_class: statusClass(status) }, durationMs / 1000),
    awsCall: ({ service, operation }) =>
      ({ outcome, durationMs }) => {
        m.awsCalls.inc({ service, operation, outcome });
        m.awsDuration.observe({ service, operation, outcome }, durationMs / 1000);
      },
    cacheLookup: (cache, result) => m.cacheLookups.inc({ cache, result }),
    operation: (kind, outcome) => m.operations.inc({ kind, outcome }),
    escalation: (role, trigger) => m.escalations.inc({ role, trigger }),
    notification: (event, outcome) => m.notifications.inc({ event, outcome }),
  });
}

const KEY = Symbol.for('codeflow.metrics');
type Holder = { [KEY]?: CodeflowMetrics };

/** The process's metrics, created and subscribed on first use (instrumentation.ts calls this at start). */
export function getMetrics(): CodeflowMetrics {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    holder[KEY] = createMetrics();
    observeInto(holder[KEY]);
  }
  return holder[KEY];
}

/*
 * The seam between the domain code and observability. lib/aws, lib/cache, lib/incidents and
 * lib/ops report what happened here and import nothing else: no prom-client, no OpenTelemetry, so
 * the CLI (which runs lib/aws in plain Node) pays nothing. The metrics and tracing modules
 * subscribe when the server starts (instrumentation.ts).
 *
 * The subscribers live on globalThis: Next.js may bundle this module more than once per process
 * (instrumentation and each route), and every copy must reach the same subscribers.
 */

export interface HttpRequestDone {
  requestId: string;
  route: string;
  method: string;
  status: number;
  durationMs: number;
}

export interface AwsCallStart {
  /** As people call it: "ECS", "ELB", "CloudWatch Logs". */
  service: string;
  /** The API name: "DescribeServices". */
  operation: string;
}

export interface AwsCallEnd {
  /** "ok", or the AppError code the failure became ("rate_limited", "forbidden", "unavailable", …). */
  outcome: string;
  durationMs: number;
  /** AWS's request id, when AWS answered. */
  requestId?: string;
  error?: Error;
}

export type CacheLookupResult = 'hit' | 'miss' | 'stale';

export interface Observer {
  /** An API request was answered. */
  httpRequest?(req: HttpRequestDone): void;
  /** Fields every log line should carry (tracing adds the active trace and span ids). */
  logFields?(): Record<string, string> | undefined;
  /** Called when an AWS call starts; the returned function (if any) when it ends. */
  awsCall?(call: AwsCallStart): ((end: AwsCallEnd) => void) | void;
  cacheLookup?(cache: string, result: CacheLookupResult): void;
  operation?(kind: string, outcome: string): void;
  escalation?(role: string, trigger: 'timer' | 'early'): void;
  notification?(event: string, outcome: 'delivered' | 'retry' | 'failed'): void;
}

const KEY = Symbol.for('codeflow.observers');
type Holder = { [KEY]?: Map<string, Observer> };

function observers(): Map<string, Observer> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map());
}

/** Registers (or replaces) the observer under `name`; returns a function that removes it. */
export function addObserver(name: string, observer: Observer): () => void {
  observers().set(name, observer);
  return () => {
    if (observers().get(name) === observer) observers().delete(name);
  };
}

/** An observer must never break the code it watches. */
function each(fn: (o: Observer) => void): void {
  for (const o of observers().values()) {
    try {
      fn(o);
    } catch {
      // A failing metric or span is not worth failing a request over.
    }
  }
}

export function recordHttpRequest(req: HttpRequestDone): void {
  each((o) => o.httpRequest?.(req));
}

/** What the observers want on a log line written now (empty without tracing). */
export function logCorrelationFields(): Record<string, string> | undefined {
  let fields: Record<string, string> | undefined;
  each((o) => {
    const f = o.logFields?.();
    if (f) fields = { ...fields, ...f };
  });
  return fields;
}

/** Marks the start of an AWS call; call the result with the outcome when it ends. */
export function awsCallStarted(call: AwsCallStart): (end: Omit<AwsCallEnd, 'durationMs'>) => void {
  const started = performance.now();
  const ends: ((end: AwsCallEnd) => void)[] = [];
  each((o) => {
    const end = o.awsCall?.(call);
    if (end) ends.push(end);
  });
  return (end) => {
    const full = { ...end, durationMs: performance.now() - started };
    for (const fn of ends) {
      try {
        fn(full);
      } catch {
        // as in each()
      }
    }
  };
}

/**
 * One cache lookup: `key` is the cache key; its first segment ("fleet", "alarms", …) names the
 * cache, so the metric's cardinality stays bounded whatever the keys hold.
 */
export function recordCacheLookup(key: string, result: CacheLookupResult): void {
  const cache = key.split(':', 1)[0] || 'default';
  each((o) => o.cacheLookup?.(cache, result));
}

/** A guarded operation (deploy, rollback, scale, …) ended: outcome "succeeded", "failed", "refused", …. */
export function recordOperationOutcome(kind: string, outcome: string): void {
  each((o) => o.operation?.(kind, outcome));
}

/** An escalation tier was recorded (once per incident and role, whichever replica did it). */
export function recordEscalation(role: string, trigger: 'timer' | 'early'): void {
  each((o) => o.escalation?.(role, trigger));
}

/** A notification delivery attempt was recorded. */
export function recordNotificationAttempt(event: string, outcome: 'delivered' | 'retry' | 'failed'): void {
  each((o) => o.notification?.(event, outcome));
}

import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { addObserver } from './hooks';

/*
 * OpenTelemetry tracing, on only when an OTLP endpoint is configured (instrumentation.ts imports
 * this module lazily, so an unconfigured server never loads the SDK). Registering the provider is
 * what makes Next.js emit its own spans (one per request, route handler and render); Codeflow adds
 * one client span per AWS call, child of the request's span, and tags the request span with the
 * request id that the logs carry.
 */

type Env = Record<string, string | undefined>;

/** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces (the OTLP/HTTP convention). */
export function tracesUrl(env: Env): string | null {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return null;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null;
}

export interface Tracing {
  provider: NodeTracerProvider;
  url: string;
  /** Sends what is buffered now (tests; shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('codeflow.tracing');
type Holder = { [KEY]?: Tracing };

/**
 * Starts tracing once per process; null when no endpoint is configured. `exporter` replaces the
 * OTLP exporter (tests only).
 */
export function startTracing(env: Env = process.env, opts: { exporter?: SpanExporter; version?: string } = {}): Tracing | null {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const url = tracesUrl(env);
  if (!url) return null;

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME?.trim() || 'codeflow',
      'service.version': opts.version ?? env.npm_package_version ?? 'unknown',
    }),
    // Exporter headers (OTEL_EXPORTER_OTLP_HEADERS) and timeouts come from the standard variables.
    spanProcessors: [new BatchSpanProcessor(opts.exporter ?? new OTLPTraceExporter({ url }))],
  });
  // Global tracer provider, AsyncLocalStorage context manager and W3C trace-context propagation.
  provider.register();

  const tracer = trace.getTracer('codeflow');
  const removeObserver = addObserver('tracing', {
    awsCall: ({ service, operation }) => {
      const span = tracer.startSpan(`${service}.${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation, 'codeflow.aws.service': service, 'codeflow.aws.operation': operation },
      });
      return ({ outcome, requestId, error }) => {
        span.setAttribute('codeflow.aws.outcome', outcome);
        if (requestId) span.setAttribute('aws.request_id', requestId);
        if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message ?? outcome });
        span.end();
      };
    },
    // The request's span (Next's, still active here) gets the id its log lines carry.
    httpRequest: ({ requestId }) => {
      trace.getActiveSpan()?.setAttribute('codeflow.request_id', requestId);
    },
    logFields: () => {
      const ctx = trace.getActiveSpan()?.spanContext();
      return ctx && trace.isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : undefined;
    },
  });

  const tracing: Tracing = {
    provider,
    url,
    flush: () => provider.forceFlush(),
    async shutdown() {
      removeObserver();
      await provider.shutdown();
      trace.disable();
      delete holder[KEY];
    },
  };
  holder[KEY] = tracing;
  return tracing;
}

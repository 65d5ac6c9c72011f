/**
 * Next.js calls register() once when a server process starts.
 *
 * 1. The configuration check: the standalone server (the container image's CMD) starts without the
 *    CLI, so the check `codeflow start` does happens here too; a deployed server with a missing or
 *    bad variable exits at once, naming each one.
 * 2. Observability: the metrics registry (/api/metrics) and, when an OTLP endpoint is configured,
 *    OpenTelemetry tracing (lib/observability).
 * 3. Anchoring the audit chain's head outside the database (lib/audit/anchoring.ts), and each
 *    configured account asked who Codeflow is there (a refused role is named in the log at start).
 * 4. Background work whose state is in the database (escalation tiers and notifications, operations
 *    being verified), so a restarted replica picks it up. Each area adds its starter to the list;
 *    one failing starter is logged and does not stop the others. CODEFLOW_BACKGROUND=0 turns them
 *    all off (a replica that should only serve requests).
 */
export async function register(): Promise<void> {
  // Everything lives inside this branch on purpose: Next inlines NEXT_RUNTIME, so the Edge build
  // drops it and never bundles the Node-only imports (the AWS SDK, the database drivers).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { exitOnStartupProblems } = await import('./lib/startup-config');
    exitOnStartupProblems(process.env);
    if (process.env.NEXT_PHASE === 'phase-production-build') return;

    // Metrics count from the first request on; tracing loads its SDK only when an endpoint is set.
    const [{ getMetrics }, { loggerFor }] = await Promise.all([import('./lib/observability/metrics'), import('./lib/observability/logger')]);
    getMetrics();
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
      try {
        const { startTracing } = await import('./lib/observability/tracing');
        const tracing = startTracing(process.env);
        if (tracing) loggerFor('tracing').info({ url: tracing.url }, 'OpenTelemetry tracing on');
      } catch (e) {
        loggerFor('tracing').error({ err: e }, 'could not start OpenTelemetry tracing; serving without it');
      }
    }
    // Before anything acts on operations: those recorded against a sandbox world since reset hold no locks.
    if (process.env.CODEFLOW_SANDBOX_WORLD_ID) await (await import('./lib/sandbox/world-reset')).reconcileSandboxWorldFromEnv().catch((e: unknown) => loggerFor('startup').error({ err: e }, 'could not check the sandbox world'));
    // Anchoring the audit chain's head outside the database is part of every write, not optional
    // background work, so it runs even in a replica that only serves requests.
    try {
      const { startAuditAnchoring } = await import('./lib/audit/anchoring');
      startAuditAnchoring();
    } catch (e) {
      loggerFor('startup').error({ err: e }, 'could not start anchoring the audit log (lib/audit/anchoring)');
    }
    // Each account asked who Codeflow is there, named in the log (not awaited: a slow account must not delay serving).
    void import('./lib/aws/default-clients')
      .then(async ({ checkAccounts }) => {
        // An endpoint that is itself still starting (a sandbox beside the server) gets a second chance.
        const first = await checkAccounts();
        if (first.every((c) => c.error === null)) return first;
        await new Promise((r) => setTimeout(r, 5_000).unref());
        return checkAccounts();
      })
      .then((checks) => {
        const log = loggerFor('accounts');
        for (const c of checks) {
          if (c.error) log.warn({ account: c.account, accountName: c.accountName }, `cannot read ${c.error}; the other accounts are read as usual`);
          else log.info({ account: c.account, accountName: c.accountName, arn: c.arn }, `reading ${c.accountName} (${c.account}) as ${c.arn}`);
        }
      })
      .catch((e: unknown) => loggerFor('accounts').error({ err: e }, 'could not check the configured accounts'));
    if (process.env.CODEFLOW_BACKGROUND === '0') return;

    const backgroundStarters: { name: string; start: () => Promise<unknown> }[] = [
      {
        name: 'incident escalation worker (lib/incidents)',
        start: async () => {
          const [{ startEscalationWorker }, { getConfig }] = await Promise.all([import('./lib/incidents/escalation-worker'), import('./lib/config')]);
          return startEscalationWorker({ intervalMs: getConfig().incidents.workerIntervalMs });
        },
      },
      { name: 'operations runner (lib/ops)', start: () => import('./lib/ops/runner').then((m) => m.startOpsRunner()) },
      // The fleet is read from the start, not at the first viewer: after a restart the overview opens
      // with rows instead of waiting for a first read (it stops again after two idle minutes).
      { name: 'fleet feed (lib/fleet/feed)', start: () => import('./lib/fleet/feed').then((m) => m.getFleetFeed()) },
    ];
    for (const starter of backgroundStarters) {
      try {
        await starter.start();
      } catch (e) {
        loggerFor('startup').error({ err: e }, `could not start the ${starter.name}`);
      }
    }
  }
}

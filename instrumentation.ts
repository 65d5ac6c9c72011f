/**
 * Next.js calls register() once when a server process starts.
 *
 * 1. The configuration check: the standalone server (the container image's CMD) starts without the
 *    CLI, so the check `codeflow start` does happens here too; a deployed server with a missing or
 *    bad variable exits at once, naming each one.
 * 2. Background work whose state is in the database (escalation tiers and notifications, operations
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
    if (process.env.NEXT_PHASE === 'phase-production-build' || process.env.CODEFLOW_BACKGROUND === '0') return;

    const backgroundStarters: { name: string; start: () => Promise<unknown> }[] = [
      {
        name: 'incident escalation worker (lib/incidents)',
        start: async () => {
          const [{ startEscalationWorker }, { getConfig }] = await Promise.all([import('./lib/incidents/escalation-worker'), import('./lib/config')]);
          return startEscalationWorker({ intervalMs: getConfig().incidents.workerIntervalMs });
        },
      },
    ];
    for (const starter of backgroundStarters) {
      try {
        await starter.start();
      } catch (e) {
        console.error(`codeflow: could not start the ${starter.name}: ${(e as Error)?.message ?? e}`);
      }
    }
  }
}

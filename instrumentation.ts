/*
 * Next.js calls register() once per server process. Background work starts here, in the Node.js
 * runtime only and never during `next build`. Each area adds its starter to STARTERS; one failing
 * starter is logged and does not stop the others. CODEFLOW_BACKGROUND=0 disables them all (e.g. a
 * replica that should only serve requests).
 */

type Starter = { name: string; start: () => Promise<unknown> };

const STARTERS: Starter[] = [
  {
    name: 'incident escalation',
    start: async () => {
      const [{ startEscalationWorker }, { getConfig }] = await Promise.all([import('./lib/incidents/escalation-worker'), import('./lib/config')]);
      return startEscalationWorker({ intervalMs: getConfig().incidents.workerIntervalMs });
    },
  },
];

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  if (process.env.CODEFLOW_BACKGROUND === '0') return;
  for (const starter of STARTERS) {
    try {
      await starter.start();
    } catch (e) {
      console.error(`codeflow: could not start ${starter.name}: ${(e as Error)?.message ?? e}`);
    }
  }
}

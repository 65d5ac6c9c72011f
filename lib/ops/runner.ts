import { inArray } from 'drizzle-orm';
import { operations } from '../db/schema';
import { loggerFor } from '../observability/logger';
import type { OpsContext } from './context';
import { verifyStep } from './verify';

const STEPPED = ['awaiting_approval', 'executing', 'verifying', 'paused', 'outcome_unknown'] as const;

/**
 * Steps every unfinished operation: verifies rollouts, expires approvals, reconciles unknown
 * outcomes, and after a restart picks up where the previous process stopped (the state is in the
 * database; locks are re-taken or expire). Several replicas may run it: every transition is conditional.
 */
export class OpsRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly ctx: OpsContext) {}

  /** One pass over the unfinished operations; returns how many it stepped. */
  async tick(): Promise<number> {
    const rows = await this.ctx.db.select({ id: operations.id }).from(operations).where(inArray(operations.status, [...STEPPED]));
    for (const { id } of rows) {
      try {
        await verifyStep(this.ctx, id);
      } catch (e) {
        loggerFor('ops').error({ err: e, operationId: id }, `verifying operation ${id} failed`);
      }
    }
    return rows.length;
  }

  start(intervalMs = this.ctx.policy.verifyIntervalSeconds * 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((e: unknown) => loggerFor('ops').error({ err: e }, 'the operations runner failed'))
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

const RUNNER = Symbol.for('codeflow.opsRunner');

/** Started from instrumentation.ts in the Node.js runtime; once per process. CODEFLOW_OPS_RUNNER=0 turns it off. */
export async function startOpsRunner(): Promise<void> {
  if (process.env.CODEFLOW_OPS_RUNNER === '0') return;
  const g = globalThis as typeof globalThis & { [RUNNER]?: OpsRunner };
  if (g[RUNNER]) return;
  const { serverOpsContext } = await import('./server-context');
  const runner = new OpsRunner(await serverOpsContext());
  g[RUNNER] = runner;
  runner.start();
}

/**
 * A Codeflow server process as far as one operation is concerned, for the crash tests
 * (lib/ops/crash.test.ts), which kill it with SIGKILL mid-operation: it opens the test database,
 * submits one operation against the sandbox, and (with CRASH_KEEP_VERIFYING=1) keeps verifying it.
 * Progress lines go to stdout for the parent to wait on.
 */
import { openDb } from '../../db/client';
import { testClients } from '../../aws/testing/fixtures';
import { planOperation } from '../plan';
import { submitOperation } from '../submit';
import { verifyStep } from '../verify';
import type { OpsContext } from '../context';
import type { PlanRequest } from '../types';
import { CRASH_EXECUTION_TIMING, crashPolicy, sandboxClock, testUser } from './harness';

async function main() {
  const sandboxUrl = process.env.CRASH_SANDBOX_URL!;
  const { cluster, service, request } = JSON.parse(process.env.CRASH_OPERATION!) as { cluster: string; service: string; request: PlanRequest };
  const { db } = await openDb(process.env.CRASH_DB_URL ? { url: process.env.CRASH_DB_URL, maxConnections: 3 } : { dataDir: process.env.CRASH_DATA_DIR! });
  const ctx: OpsContext = { db, aws: testClients(sandboxUrl), policy: crashPolicy(), awsNow: sandboxClock(sandboxUrl), execution: CRASH_EXECUTION_TIMING };
  const alice = testUser('alice');
  const plan = await planOperation(ctx, cluster, service, request, { role: alice.role });
  console.log('PLANNED');
  const { operation } = await submitOperation(ctx, alice, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: service, reason: 'crash test' }, `crash-${process.pid}`);
  console.log(`SUBMITTED ${operation.id} ${operation.status}`);
  if (process.env.CRASH_KEEP_VERIFYING !== '1') return;
  for (;;) {
    await verifyStep(ctx, operation.id);
    console.log('STEPPED');
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';

/**
 * The sandbox names its world (a new id on every reset; kept across restarts), and `codeflow
 * start` hands that id to the console (CODEFLOW_SANDBOX_WORLD_ID). The database remembers the id
 * it recorded against. When they differ — the world was reset or deleted while the database was
 * kept (PostgreSQL, a deleted .codeflow/sandbox, a console from before the sandbox remembered) —
 * what the database says about the old world is stale:
 *
 * - operations still running are failed ("the sandbox world was reset") and every service lock is
 *   released: their services, deployments and revisions are gone, and a lock on them would block
 *   the fresh fleet ("locked by Olga Operator" on services nobody is deploying);
 * - every operation and incident recorded before is marked (operations: `execution.sandboxWorldReset`,
 *   incidents: a timeline note), so no one reads their deployments and alarms in the new world.
 *
 * It writes the operations, locks and incident tables directly, in one transaction, so it stays
 * independent of the operations pipeline's code; the server runs it at start, before the
 * operations runner (instrumentation.ts).
 */
export const WORLD_SETTING_KEY = 'sandbox.world';

const ACTIVE = ['awaiting_approval', 'executing', 'verifying', 'paused', 'outcome_unknown'];
export const WORLD_RESET_ERROR = 'the sandbox world was reset: this operation’s service, revisions and deployments no longer exist';
const SYSTEM = { issuer: 'codeflow', subject: 'sandbox', name: 'Codeflow sandbox', role: null };

export interface WorldReconciliation {
  /** The world id the database had recorded, null on a first start. */
  previous: string | null;
  changed: boolean;
  failedOperations: string[];
  releasedLocks: number;
  markedIncidents: number;
}

export async function reconcileSandboxWorld(db: Db, worldId: string, now = new Date()): Promise<WorldReconciliation> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // One replica at a time: the settings row (created if missing) is locked for the transaction.
    await t.execute(sql`insert into settings (key, value, set_by) values (${WORLD_SETTING_KEY}, ${JSON.stringify({ id: null })}::jsonb, 'codeflow') on conflict (key) do nothing`);
    const [setting] = await queryRows<{ value: { id?: string | null } }>(t, sql`select value from settings where key = ${WORLD_SETTING_KEY} for update`);
    const previous = setting?.value?.id ?? null;
    const result: WorldReconciliation = { previous, changed: false, failedOperations: [], releasedLocks: 0, markedIncidents: 0 };
    if (previous === worldId) return result;

    // Below, times the database wrote carry microseconds and `now` milliseconds: a row written in the
    // same millisecond as `now` is compared at `now`'s precision, so it counts as before (found by CI).
    // A first start has nothing recorded; a database from before world ids holds records of a
    // world that no longer exists (the sandbox forgot its world on every restart), so it counts.
    const [{ n: recorded } = { n: 0 }] = await queryRows<{ n: number }>(t, sql`select ((select count(*) from operations) + (select count(*) from incidents))::int as n`);
    if (previous !== null || recorded > 0) {
      result.changed = true;
      const failed = await queryRows<{ id: string }>(
        t,
        sql`update operations set status = 'failed', error = ${WORLD_RESET_ERROR}, fencing_token = null, finished_at = ${now}, updated_at = ${now}
            where status in (${sql.join(ACTIVE.map((s) => sql`${s}`), sql`, `)}) returning id`,
      );
      result.failedOperations = failed.map((r) => r.id);
      await t.execute(sql`update operations set execution = execution || ${JSON.stringify({ sandboxWorldReset: now.toISOString() })}::jsonb where date_trunc('milliseconds', created_at) <= ${now} and not (execution ? 'sandboxWorldReset')`);
      const released = await queryRows<{ cluster: string }>(
        t,
        sql`update service_locks set operation_id = null, holder_subject = null, holder_name = null, acquired_at = null, expires_at = null where operation_id is not null returning cluster`,
      );
      result.releasedLocks = released.length;
      const marked = await queryRows<{ id: string }>(
        t,
        sql`insert into incident_events (incident_id, at, kind, actor, text)
            select id, ${now}, 'note', 'Codeflow', ${'The sandbox world this incident was recorded against was reset: the services, deployments, alarms and findings it names are gone from the sandbox.'}
            from incidents where date_trunc('milliseconds', opened_at) <= ${now} returning incident_id as id`,
      );
      result.markedIncidents = marked.length;
      await appendAudit(t, {
        actor: SYSTEM,
        action: 'sandbox.world_reset',
        target: 'sandbox',
        params: { previousWorld: previous, world: worldId, failedOperations: result.failedOperations, releasedLocks: result.releasedLocks, markedIncidents: result.markedIncidents },
        reason: previous ? 'the sandbox world was reset' : 'the sandbox world was not recorded (a database from before the sandbox remembered its world)',
        outcome: 'success',
      });
    }
    await t.execute(sql`update settings set value = ${JSON.stringify({ id: worldId, since: now.toISOString() })}::jsonb, set_by = 'codeflow', set_at = ${now} where key = ${WORLD_SETTING_KEY}`);
    return result;
  });
}

/** For the server's start (instrumentation.ts): reconciles when `codeflow start` ran a sandbox. */
export async function reconcileSandboxWorldFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<WorldReconciliation | null> {
  const worldId = env.CODEFLOW_SANDBOX_WORLD_ID;
  if (!worldId) return null;
  const [{ getDb }, { loggerFor }] = await Promise.all([import('../db/client'), import('../observability/logger')]);
  const result = await reconcileSandboxWorld(await getDb(), worldId);
  if (result.changed) {
    loggerFor('sandbox').warn(
      { failedOperations: result.failedOperations.length, releasedLocks: result.releasedLocks, markedIncidents: result.markedIncidents },
      'the sandbox world was reset: operations running against the old one were failed and their locks released',
    );
  }
  return result;
}

import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { describeTargets } from '../db/test-targets';
import { DEFAULT_MATRIX, tiersFor } from './config';
import { simulate } from './escalation';
import { tick } from './escalation-worker';
import { getIncident, openIncident, updateIncident } from './incidents';
import { RESPONDER, testConfig } from './testing/helpers';
import { SEVERITIES, type EscalationRole, type Severity } from './types';

const MIN = 60_000;
const T0 = new Date('2025-03-01T10:00:00.000Z');
const at = (minutes: number, ms = 0) => new Date(T0.getTime() + minutes * MIN + ms);

/** The guide's §6.2 table, cell by cell ("-" = nobody). */
const GUIDE: Record<number, Record<Severity, EscalationRole | null>> = {
  15: { P0: 'on-call', P1: 'team-lead', P2: null, P3: null },
  60: { P0: 'manager', P1: 'manager', P2: 'team-lead', P3: null },
  240: { P0: 'director', P1: 'director', P2: 'manager', P3: 'team-lead' },
  1440: { P0: 'executive', P1: 'executive', P2: 'director', P3: 'manager' },
};

it('the default matrix is the guide’s table exactly', () => {
  for (const row of DEFAULT_MATRIX) for (const sev of SEVERITIES) assert.equal(row.roles[sev] ?? null, GUIDE[row.afterMinutes]![sev], `${row.afterMinutes} min ${sev}`);
  assert.deepEqual(DEFAULT_MATRIX.map((r) => r.afterMinutes), [15, 60, 240, 1440]);
  assert.deepEqual(simulate(DEFAULT_MATRIX, 'P2', T0).map((s) => [s.afterMinutes, s.role, s.dueAt.toISOString()]), [
    [60, 'team-lead', at(60).toISOString()],
    [240, 'manager', at(240).toISOString()],
    [1440, 'director', at(1440).toISOString()],
  ]);
});

describeTargets('escalation timing', (target) => {
  let db: Db;
  const config = testConfig();
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
  });

  const reached = async (id: string) => (await getIncident({ db, config }, id)).tiers.map((t) => t.role);

  for (const sev of SEVERITIES) {
    it(`${sev}: every cell of the matrix fires at its minute, not a millisecond before`, async () => {
      const inc = await openIncident({ db, config, now: T0 }, { title: `${sev} timing`, severity: sev }, RESPONDER);
      const expected: EscalationRole[] = [];
      for (const minutes of [15, 60, 240, 1440]) {
        const role = GUIDE[minutes]![sev];
        await tick(at(minutes, -1), { db, config });
        assert.deepEqual(await reached(inc.id), expected, `${sev} just before ${minutes} min`);
        await tick(at(minutes), { db, config });
        if (role) expected.push(role);
        assert.deepEqual(await reached(inc.id), expected, `${sev} at ${minutes} min`);
        const view = await getIncident({ db, config }, inc.id);
        if (role) assert.equal(view.tiers.at(-1)!.reachedAt, at(minutes).toISOString());
      }
      // Nothing more, ever.
      await tick(at(10_000), { db, config });
      assert.deepEqual(await reached(inc.id), tiersFor(DEFAULT_MATRIX, sev).map((t) => t.role));
      assert.equal((await getIncident({ db, config }, inc.id)).next, null);
    });
  }

  it('acknowledged and mitigated keep the clock running; resolved stops it; reopening resumes it', async () => {
    const deps = { db, config };
    const inc = await openIncident({ ...deps, now: T0 }, { title: 'clock', severity: 'P1' }, RESPONDER);
    assert.deepEqual((await getIncident(deps, inc.id)).next, { role: 'team-lead', person: 'Team lead', at: at(15).toISOString() });
    await updateIncident({ ...deps, now: at(5) }, inc.id, { status: 'acknowledged' }, RESPONDER);
    await tick(at(15), deps);
    assert.deepEqual(await reached(inc.id), ['team-lead']);
    await updateIncident({ ...deps, now: at(20) }, inc.id, { status: 'mitigated' }, RESPONDER);
    await updateIncident({ ...deps, now: at(40) }, inc.id, { status: 'resolved' }, RESPONDER);
    assert.equal((await getIncident(deps, inc.id)).next, null);
    await tick(at(500), deps); // resolved: nothing fires
    assert.deepEqual(await reached(inc.id), ['team-lead']);
    // 40 unresolved minutes spent; reopened at 100 → the 60-min tier is due at 120.
    await updateIncident({ ...deps, now: at(100) }, inc.id, { status: 'open' }, RESPONDER);
    assert.equal((await getIncident(deps, inc.id)).next?.at, at(120).toISOString());
    await tick(at(120, -1), deps);
    assert.deepEqual(await reached(inc.id), ['team-lead']);
    await tick(at(120), deps);
    assert.deepEqual(await reached(inc.id), ['team-lead', 'manager']);
  });

  it('a backdated incident reaches every tier already due on the next tick', async () => {
    const now = at(3000);
    const inc = await openIncident({ db, config, now }, { title: 'backdated', severity: 'P0', openedAt: new Date(now.getTime() - 70 * MIN) }, RESPONDER);
    assert.equal(inc.next?.role, 'on-call');
    await tick(now, { db, config });
    assert.deepEqual(await reached(inc.id), ['on-call', 'manager']);
    const rows = await queryRows<{ role: string; due_at: Date }>(db, sql`select role, due_at from incident_escalations where incident_id = ${inc.id} order by due_at`);
    assert.deepEqual(rows.map((r) => new Date(r.due_at).toISOString()), [new Date(now.getTime() - 55 * MIN).toISOString(), new Date(now.getTime() - 10 * MIN).toISOString()]);
    // Audited as the worker, with the role it acts for: not "anonymous", not "[no role]".
    const audit = await queryRows<{ actor_name: string | null; actor_subject: string | null; actor_role: string | null }>(
      db,
      sql`select actor_name, actor_subject, actor_role from audit_log where action = 'incident.escalate' and target = ${`incident #${inc.number}`} order by seq`,
    );
    assert.equal(audit.length, 2);
    for (const row of audit) assert.deepEqual(row, { actor_name: 'system: escalation worker', actor_subject: 'system:escalation-worker', actor_role: 'responder' });
  });

  it('raising the severity moves the next tier to the new severity’s schedule', async () => {
    const deps = { db, config };
    const inc = await openIncident({ ...deps, now: T0 }, { title: 'raise', severity: 'P3' }, RESPONDER);
    assert.deepEqual(inc.next, { role: 'team-lead', person: 'Team lead', at: at(240).toISOString() });
    const raised = await updateIncident({ ...deps, now: at(10) }, inc.id, { severity: 'P0' }, RESPONDER);
    assert.deepEqual(raised.next?.role, 'on-call');
    assert.equal(raised.next?.at, at(15).toISOString());
    assert.ok(raised.playbook.some((s) => s.label === 'Alert on-call engineer'));
  });
});

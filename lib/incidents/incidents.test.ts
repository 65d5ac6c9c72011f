import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { openIncidentSchema, updateIncidentSchema } from '../api/incidents/schemas';
import type { z } from 'zod';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { escalateEarly, getBoard, getRoster, listCommanders, listIncidents, openIncident, ownTimeline, putRoster, setPlaybookStep, updateIncident } from './incidents';
import { canTransition, nextStatuses } from './status';
import { addUser, RESPONDER, testConfig } from './testing/helpers';

/** As lib/api/handler.ts words a 400 (that module is server-only). */
const describeZodError = (e: z.ZodError) => e.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');

const T0 = new Date('2025-04-01T09:00:00.000Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

/** Rejects with a 400 (AppError 'invalid') whose message starts with the field. */
const rejectsField = (p: Promise<unknown>, field: string) =>
  assert.rejects(p, (e: unknown) => isAppError(e) && e.code === 'invalid' && e.message.startsWith(`${field}:`) || assert.fail(`expected invalid ${field}, got ${String((e as Error).message)}`));

it('the status machine goes forward, skips allowed, back only by reopening', () => {
  assert.deepEqual(nextStatuses('open'), ['acknowledged', 'mitigated', 'resolved']);
  assert.deepEqual(nextStatuses('acknowledged'), ['mitigated', 'resolved']);
  assert.deepEqual(nextStatuses('mitigated'), ['resolved']);
  assert.deepEqual(nextStatuses('resolved'), ['open']);
  assert.equal(canTransition('mitigated', 'acknowledged'), false);
  assert.equal(canTransition('resolved', 'acknowledged'), false);
  assert.equal(canTransition('open', 'open'), false);
});

it('the API schemas name the field for unknown severity, empty title, bad time and bad status', () => {
  const msg = (r: { success: boolean; error?: unknown }) => (r.success ? '' : describeZodError(r.error as never));
  assert.match(msg(openIncidentSchema.safeParse({ title: 'x', severity: 'P9' })), /^severity: "P9" is not a severity/);
  assert.match(msg(openIncidentSchema.safeParse({ title: '   ', severity: 'P1' })), /^title: give the incident a title/);
  assert.match(msg(openIncidentSchema.safeParse({ title: 'x', severity: 'P1', openedAt: 'yesterday' })), /^openedAt: /);
  assert.match(msg(updateIncidentSchema.safeParse({ status: 'closed' })), /^status: "closed" is not a status/);
  assert.match(msg(openIncidentSchema.safeParse({ title: 'x', severity: 'P1', services: [{ cluster: 'prod', service: 'bad name!' }] })), /^services\.0\.service: /);
});

describeTargets('incidents', (target) => {
  let db: Db;
  const config = testConfig();
  let responderId: string;
  let viewerId: string;
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
    responderId = await addUser(db, 'cora', 'responder', 'Cora Commander');
    viewerId = await addUser(db, 'val', 'viewer', 'Val Viewer');
    await addUser(db, 'oscar', 'operator', 'Oscar Operator');
  });
  const deps = (now = T0) => ({ db, config, now });

  it('refuses bad input with the field named', async () => {
    await rejectsField(openIncident(deps(), { title: '  ', severity: 'P1' }, RESPONDER), 'title');
    await rejectsField(openIncident(deps(), { title: 'x', severity: 'P7' as never }, RESPONDER), 'severity');
    await rejectsField(openIncident(deps(), { title: 'x', severity: 'P1', openedAt: at(5) }, RESPONDER), 'openedAt');
    await rejectsField(openIncident(deps(), { title: 'x', severity: 'P1', commanderUserId: '00000000-0000-4000-8000-000000000000' }, RESPONDER), 'commanderUserId');
    await rejectsField(openIncident(deps(), { title: 'x', severity: 'P1', commanderUserId: 'not-a-uuid' }, RESPONDER), 'commanderUserId');
    await rejectsField(openIncident(deps(), { title: 'x', severity: 'P1', commanderUserId: viewerId }, RESPONDER), 'commanderUserId');
    const inc = await openIncident(deps(), { title: 'ok', severity: 'P2' }, RESPONDER);
    await updateIncident(deps(at(1)), inc.id, { status: 'mitigated' }, RESPONDER);
    await rejectsField(updateIncident(deps(at(2)), inc.id, { status: 'acknowledged' }, RESPONDER), 'status');
    await rejectsField(updateIncident(deps(at(2)), inc.id, { severity: 'PX' as never }, RESPONDER), 'severity');
    await rejectsField(updateIncident(deps(at(2)), inc.id, { title: '' }, RESPONDER), 'title');
    await rejectsField(escalateEarly(deps(at(2)), inc.id, '  ', RESPONDER), 'reason');
    // Nothing was written for the refusals: one incident.
    const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from incidents`);
    assert.equal(n!.n, 1);
  });

  it('opens, acknowledges, mitigates, resolves and reopens, with every change on the timeline and audited', async () => {
    const inc = await openIncident(
      deps(),
      { title: 'Checkout 5xx', severity: 'P1', services: [{ cluster: 'prod', service: 'checkout' }, { cluster: 'prod', service: 'checkout' }], commanderUserId: responderId, note: 'started after deploy' },
      RESPONDER,
    );
    assert.equal(inc.number > 0, true);
    assert.equal(inc.status, 'open');
    // Named without an account and Region: home's (here, without configured places, "default").
    assert.deepEqual(inc.services, [{ account: 'default', region: 'us-east-1', cluster: 'prod', service: 'checkout' }]);
    assert.deepEqual(inc.commander, { userId: responderId, name: 'Cora Commander' });
    assert.deepEqual(inc.openedBy, { subject: 'rita', name: 'Rita Responder' });
    assert.deepEqual(inc.playbook.map((s) => s.label), ['Notify engineering team', 'Assess and mitigate', 'Update stakeholders', 'Schedule post-mortem']);
    assert.deepEqual(inc.playbook[1]!.action, { kind: 'rollback', account: 'default', region: 'us-east-1', cluster: 'prod', service: 'checkout' });
    assert.equal(inc.playbook[0]!.action, null);

    const acked = await updateIncident(deps(at(3)), inc.id, { status: 'acknowledged' }, RESPONDER);
    assert.equal(acked.acknowledgedAt, at(3).toISOString());
    const resolved = await updateIncident(deps(at(30)), inc.id, { status: 'resolved', note: 'rolled back' }, RESPONDER);
    assert.equal(resolved.resolvedAt, at(30).toISOString());
    assert.equal(resolved.next, null);
    const reopened = await updateIncident(deps(at(40)), inc.id, { status: 'open' }, RESPONDER);
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.resolvedAt, null);
    assert.equal(reopened.acknowledgedAt, null);
    // Same status again is a no-op, not an error.
    await updateIncident(deps(at(41)), inc.id, { status: 'open' }, RESPONDER);

    const timeline = await ownTimeline(db, inc.id);
    assert.deepEqual(
      timeline.map((e) => `${e.kind}: ${e.text}`),
      [
        'status: Opened as P1',
        'commander: Commander: Cora Commander',
        'services: Affected services: prod/checkout',
        'note: started after deploy',
        'status: Status open → acknowledged',
        'status: Status acknowledged → resolved',
        'note: rolled back',
        'status: Reopened',
      ],
    );
    assert.ok(timeline.every((e) => e.actor === 'Rita Responder'));
    const audit = await queryRows<{ action: string; outcome: string }>(db, sql`select action, outcome from audit_log where target = ${`incident #${inc.number}`} or (action = 'incident.open' and target = 'Checkout 5xx') order by seq`);
    assert.deepEqual(audit.map((a) => `${a.action}/${a.outcome}`), [
      'incident.open/intent', 'incident.open/success',
      'incident.update/intent', 'incident.update/success',
      'incident.update/intent', 'incident.update/success',
      'incident.update/intent', 'incident.update/success',
      'incident.update/intent', 'incident.update/success',
    ]);
  });

  it('ticks playbook steps with who and when, and an action per affected service', async () => {
    const inc = await openIncident(deps(), { title: 'two services', severity: 'P0', services: [{ cluster: 'prod', service: 'api' }, { cluster: 'prod', service: 'web' }] }, RESPONDER);
    const mitigation = inc.playbook.filter((s) => s.action);
    assert.deepEqual(mitigation.map((s) => [s.id, s.label, s.action]), [
      ['p0-implement-temporary-mitigation-1', 'Implement temporary mitigation (prod/api)', { kind: 'rollback', account: 'default', region: 'us-east-1', cluster: 'prod', service: 'api' }],
      ['p0-implement-temporary-mitigation-2', 'Implement temporary mitigation (prod/web)', { kind: 'rollback', account: 'default', region: 'us-east-1', cluster: 'prod', service: 'web' }],
    ]);
    const ticked = await setPlaybookStep(deps(at(2)), inc.id, 'p0-alert-on-call-engineer', true, RESPONDER);
    const step = ticked.playbook.find((s) => s.id === 'p0-alert-on-call-engineer')!;
    assert.deepEqual(step.doneBy, { subject: 'rita', name: 'Rita Responder' });
    assert.equal(step.doneAt, at(2).toISOString());
    // Ticking again keeps the first who/when.
    const again = await setPlaybookStep(deps(at(5)), inc.id, 'p0-alert-on-call-engineer', true, RESPONDER);
    assert.equal(again.playbook.find((s) => s.id === 'p0-alert-on-call-engineer')!.doneAt, at(2).toISOString());
    const unticked = await setPlaybookStep(deps(at(6)), inc.id, 'p0-alert-on-call-engineer', false, RESPONDER);
    assert.equal(unticked.playbook.find((s) => s.id === 'p0-alert-on-call-engineer')!.doneBy, null);
    await assert.rejects(setPlaybookStep(deps(), inc.id, 'nope', true, RESPONDER), (e: unknown) => isAppError(e) && e.code === 'not_found');
    const texts = (await ownTimeline(db, inc.id)).filter((e) => e.kind === 'playbook').map((e) => e.text);
    assert.deepEqual(texts, ['Done: Alert on-call engineer', 'Undone: Alert on-call engineer']);
    const [audited] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where action = 'incident.playbook'`);
    assert.equal(audited!.n, 6, 'intent and outcome for each of the three ticks');
  });

  it('escalates early: the next tier now, once, audited; then the one after', async () => {
    const inc = await openIncident(deps(), { title: 'early', severity: 'P1' }, RESPONDER);
    const e1 = await escalateEarly(deps(at(2)), inc.id, 'VIP customer down', RESPONDER);
    assert.deepEqual(e1.tiers.map((t) => [t.role, t.early, t.reachedAt]), [['team-lead', true, at(2).toISOString()]]);
    assert.equal(e1.next?.role, 'manager');
    const e2 = await escalateEarly(deps(at(3)), inc.id, 'still down', RESPONDER);
    assert.deepEqual(e2.tiers.map((t) => t.role), ['team-lead', 'manager']);
    const timeline = await ownTimeline(db, inc.id);
    assert.ok(timeline.some((e) => e.kind === 'escalation' && e.text === 'Escalated early to Team Lead (Team lead): VIP customer down'));
    const audit = await queryRows<{ reason: string }>(db, sql`select reason from audit_log where action = 'incident.escalate' and outcome = 'intent' and target = ${`incident #${inc.number}`} order by seq`);
    assert.deepEqual(audit.map((a) => a.reason), ['VIP customer down', 'still down']);
    await updateIncident(deps(at(4)), inc.id, { status: 'resolved' }, RESPONDER);
    await rejectsField(escalateEarly(deps(at(5)), inc.id, 'again', RESPONDER), 'status');
  });

  it('lists and boards unresolved incidents by severity then age, flagging the unacknowledged', async () => {
    const { db: fresh } = await target.fresh({ migrated: true });
    const d = (now: Date) => ({ db: fresh, config, now });
    const p2 = await openIncident(d(at(0)), { title: 'p2 old', severity: 'P2' }, RESPONDER);
    const p0new = await openIncident(d(at(10)), { title: 'p0 new', severity: 'P0' }, RESPONDER);
    const p0old = await openIncident(d(at(10)), { title: 'p0 old', severity: 'P0', openedAt: at(1) }, RESPONDER);
    const done = await openIncident(d(at(10)), { title: 'done', severity: 'P0' }, RESPONDER);
    await updateIncident(d(at(11)), done.id, { status: 'resolved' }, RESPONDER);
    await updateIncident(d(at(11)), p0new.id, { status: 'acknowledged' }, RESPONDER);
    const board = await getBoard(d(at(12)));
    assert.deepEqual(board.incidents.map((i) => i.title), ['p0 old', 'p0 new', 'p2 old']);
    assert.deepEqual(board.unacknowledged.sort(), [p0old.id, p2.id].sort());
    assert.equal((await listIncidents({ db: fresh, config }, { status: 'all' })).length, 4);
    assert.deepEqual((await listIncidents({ db: fresh, config }, { status: 'resolved' })).map((i) => i.title), ['done']);
    assert.deepEqual((await listIncidents({ db: fresh, config }, { severity: 'P2' })).map((i) => i.title), ['p2 old']);
  });

  it('keeps the roster in the database over the config defaults, audited; commanders are responders and up', async () => {
    assert.deepEqual((await getRoster(db, config)).map((r) => r.person), ['On-call engineer', 'Team lead', 'Engineering manager', 'Director of engineering', 'Executive on duty']);
    const admin = { issuer: 'https://idp.test', subject: 'ada', name: 'Ada Admin', role: 'admin' as const };
    const saved = await putRoster({ db, config }, [{ role: 'on-call', person: 'Dana', contact: '+1 555 0100' }, { role: 'manager', person: 'Max', contact: null }], admin);
    assert.deepEqual(saved.slice(0, 3), [
      { role: 'on-call', person: 'Dana', contact: '+1 555 0100' },
      { role: 'team-lead', person: 'Team lead', contact: null },
      { role: 'manager', person: 'Max', contact: null },
    ]);
    await rejectsField(putRoster({ db, config }, [{ role: 'on-call', person: 'A', contact: null }, { role: 'on-call', person: 'B', contact: null }], admin), 'roster.1.role');
    const [a] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where action = 'roster.update' and outcome = 'success'`);
    assert.equal(a!.n, 1);
    // The next tier names the current holder.
    const inc = await openIncident(deps(), { title: 'who', severity: 'P0' }, RESPONDER);
    assert.equal(inc.next?.person, 'Dana');
    const commanders = (await listCommanders(db)).map((u) => u.name);
    assert.ok(commanders.includes('Cora Commander') && commanders.includes('Oscar Operator'));
    assert.ok(!commanders.includes('Val Viewer'));
  });
});

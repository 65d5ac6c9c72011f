/**
 * Pages across accounts and Regions: which places a filter keeps, and reading each place on its own
 * — pure first, then the Alarms and Security read models against the sandbox playing the
 * organisation over the wire (STS included), with one account refusing and one answering in 10 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { placesMatching, readEveryPlace } from './fan-out';
import { placesOf } from './places';
import { sandboxAccountsConfig } from '../sandbox/organization';
import type { RunningSandbox } from '../../sandbox/server';
import { startSandboxOrganization, type SandboxOrganization } from './testing/organization';
import { isAppError } from '../errors';

const PRODUCTION = '123456789012';
const STAGING = '210987654321';
const SECURITY = '555555555555';

const places = placesOf(
  sandboxAccountsConfig().map((a) => ({ id: a.id, name: a.name, environment: a.environment, regions: a.regions, clusters: [], role: undefined })),
);
const keys = (list: { accountId: string; region: string }[]) => list.map((p) => `${p.accountId}/${p.region}`);

describe('which places a page filter keeps', () => {
  it('keeps every place without filters, an account by id or name (any case), a Region in every account', () => {
    assert.equal(placesMatching(places, {}).length, 5);
    assert.deepEqual(keys(placesMatching(places, { account: 'Staging' })), [`${STAGING}/us-east-1`, `${STAGING}/us-west-2`]);
    assert.deepEqual(keys(placesMatching(places, { account: STAGING, region: 'us-west-2' })), [`${STAGING}/us-west-2`]);
    assert.deepEqual(keys(placesMatching(places, { region: 'us-west-2' })), [`${PRODUCTION}/us-west-2`, `${STAGING}/us-west-2`]);
  });

  it('refuses an account or Region nobody watches with a 404 that lists what is watched, rather than an empty page', () => {
    const refusal = (filter: { account?: string; region?: string }) => {
      try {
        placesMatching(places, filter);
      } catch (e) {
        assert.ok(isAppError(e) && e.code === 'not_found');
        return e.message;
      }
      assert.fail('expected a refusal');
    };
    assert.match(refusal({ account: 'qa' }), /no account "qa" is configured; Codeflow watches production \(123456789012\), staging \(210987654321\), security \(555555555555\)/);
    assert.match(refusal({ account: 'security', region: 'us-west-2' }), /security \(555555555555\) is not watched in us-west-2; its Regions are us-east-1/);
    assert.match(refusal({ region: 'eu-west-1' }), /no account is watched in eu-west-1/);
  });
});

describe('reading every place on its own', () => {
  it('a place that fails is its own error; one that hangs is pending after the wait, and holds nobody', async () => {
    const started = performance.now();
    const outcomes = await readEveryPlace(
      places.slice(0, 3),
      async (p) => {
        if (p.region === 'us-west-2') throw Object.assign(new Error('secret detail'), {});
        if (p.accountId === STAGING) return new Promise<string>(() => {});
        return `read ${p.accountName}`;
      },
      { waitMs: 200 },
    );
    const waited = performance.now() - started;
    assert.ok(waited < 1_000, `waited ${waited} ms`);
    assert.deepEqual(
      outcomes.map((o) => [o.read.accountName, o.read.region, o.value, o.read.pending, o.read.error]),
      [
        ['production', 'us-east-1', 'read production', false, null],
        // Not an AppError: its message stays on the server.
        ['production', 'us-west-2', null, false, 'could not be read'],
        ['staging', 'us-east-1', null, true, null],
      ],
    );
  });
});

describe('Alarms and Security across the sandbox organisation', { timeout: 120_000 }, () => {
  let running: RunningSandbox;
  let m: {
    getConfig: typeof import('../config').getConfig;
    listAlarmsAcross: typeof import('../telemetry/alarms').listAlarmsAcross;
    getFindingsAcross: typeof import('../telemetry/findings').getFindingsAcross;
    getFindingsReport: typeof import('../telemetry/findings').getFindingsReport;
    getFindingsContext: typeof import('../telemetry/findings').getFindingsContext;
  };
  let admin: SandboxOrganization['admin'];

  before(async () => {
    ({ running, admin } = await startSandboxOrganization());
    const [config, alarms, findings] = await Promise.all([import('../config'), import('../telemetry/alarms'), import('../telemetry/findings')]);
    m = { getConfig: config.getConfig, listAlarmsAcross: alarms.listAlarmsAcross, getFindingsAcross: findings.getFindingsAcross, getFindingsReport: findings.getFindingsReport, getFindingsContext: findings.getFindingsContext };
  });
  after(() => running?.close());

  it('lists production’s and staging’s alarms together, each stamped with its account and Region', async () => {
    // The security account is first read by the refusal below (its credentials must not be cached yet).
    const report = await m.listAlarmsAcross(m.getConfig().places.filter((p) => p.accountId !== SECURITY));
    assert.equal(report.error, null);
    assert.deepEqual(report.places.map((p) => [p.accountName, p.region, p.pending, p.error]), [
      ['production', 'us-east-1', false, null],
      ['production', 'us-west-2', false, null],
      ['staging', 'us-east-1', false, null],
      ['staging', 'us-west-2', false, null],
    ]);
    const highCpu = report.alarms.filter((a) => a.name === 'Codeflow-HighCPU').map((a) => `${a.account}/${a.region}`).sort();
    assert.deepEqual(highCpu, [`${PRODUCTION}/us-east-1`, `${STAGING}/us-east-1`]);
    // ALARM first across places, whichever account it is in.
    const firstOk = report.alarms.findIndex((a) => a.state !== 'ALARM');
    assert.ok(report.alarms.slice(firstOk).every((a) => a.state !== 'ALARM'));
    const staging = await m.listAlarmsAcross(placesMatching(m.getConfig().places, { account: 'staging' }));
    assert.ok(staging.alarms.length > 0 && staging.alarms.every((a) => a.account === STAGING));
  });

  it('counts add up across places: the page’s counts are the sum of each place’s own', async () => {
    const all = m.getConfig().places.filter((p) => p.accountId !== SECURITY);
    const across = await m.getFindingsAcross({}, all);
    const each = await Promise.all(all.map((p) => m.getFindingsReport({}, m.getFindingsContext(p))));
    assert.equal(across.counts!.total, each.reduce((n, r) => n + r.counts!.total, 0));
    assert.equal(across.findings!.length, each.reduce((n, r) => n + r.findings!.length, 0));
    assert.ok(new Set(across.findings!.map((f) => f.place.account)).size >= 2);
  });

  // Last: the slow place's read is still in flight when it ends.
  it('one account refusing and one answering in 10 s: the others are listed at once, those two said so by name', async () => {
    await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: true });
    await admin('PUT', `/_sandbox/faults?account=${STAGING}&region=us-west-2`, { rules: [{ latencyMs: 10_000 }] });
    try {
      const started = performance.now();
      const shown = placesMatching(m.getConfig().places, { region: 'us-west-2' }).concat(placesMatching(m.getConfig().places, { account: 'security' }));
      // Filters no earlier test asked for: nothing of these places is cached.
      const report = await m.getFindingsAcross({ maxAgeDays: 30 }, shown);
      const took = performance.now() - started;
      assert.ok(took < 4_000, `the page waited ${Math.round(took)} ms`);
      const byName = Object.fromEntries(report.places.map((p) => [`${p.accountName} ${p.region}`, p]));
      assert.equal(byName['production us-west-2']!.error, null);
      assert.equal(byName['staging us-west-2']!.pending, true);
      assert.match(byName['security us-east-1']!.error!, /security \(555555555555\): AccessDenied on sts:AssumeRole/);
      assert.ok(report.findings!.length > 0 && report.findings!.every((f) => f.place.account === PRODUCTION && f.place.region === 'us-west-2'));
      assert.match(report.error!, /^security \(555555555555\) us-east-1: .*AccessDenied/);
    } finally {
      await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: false });
      await admin('DELETE', `/_sandbox/faults?account=${STAGING}&region=us-west-2`);
    }
  });
});

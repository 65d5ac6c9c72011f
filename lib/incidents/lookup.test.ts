import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../db/client';
import { describeTargets } from '../db/test-targets';
import { openIncident } from './incidents';
import { findIncidentId, incidentIdOrThrow, isIncidentRef } from './lookup';
import { RESPONDER, testConfig } from './testing/helpers';

describeTargets('incident lookup by number', (target) => {
  let db: Db;
  let first: { id: string; number: number };
  let second: { id: string; number: number };
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
    const deps = { db, config: testConfig(), now: new Date('2026-01-01T00:00:00Z') };
    first = await openIncident(deps, { title: 'first', severity: 'P2' }, RESPONDER);
    second = await openIncident(deps, { title: 'second', severity: 'P1' }, RESPONDER);
  });

  it('finds an incident by its number as people write it, and by its id', async () => {
    assert.equal(await findIncidentId(db, String(second.number)), second.id);
    assert.equal(await findIncidentId(db, `#${first.number}`), first.id);
    assert.equal(await findIncidentId(db, `INC-${first.number}`), first.id);
    assert.equal(await findIncidentId(db, first.id), first.id);
  });

  it('null for numbers and ids that name nothing, and for anything else', async () => {
    assert.equal(await findIncidentId(db, '999999'), null);
    assert.equal(await findIncidentId(db, '99999999999'), null);
    assert.equal(await findIncidentId(db, '00000000-0000-4000-8000-000000000000'), null);
    assert.equal(await findIncidentId(db, 'zzz'), null);
    assert.equal(isIncidentRef('zzz'), false);
    assert.equal(isIncidentRef('0'), false);
    assert.equal(isIncidentRef('#2'), true);
    await assert.rejects(incidentIdOrThrow(db, '999999'), /No incident #999999/);
  });
});

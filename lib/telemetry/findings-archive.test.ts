/**
 * Archiving GuardDuty findings is a write to AWS: the read-only kill switch refuses it with the
 * same 403 as lib/ops, before GuardDuty is asked, and audits nothing; once off, it archives again.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import type { CurrentUser } from '../auth/identity';
import { freePort } from '../aws/testing/moto';
import { testClients } from '../aws/testing/fixtures';
import { auditLog } from '../db/schema';
import type { Db } from '../db/client';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { setReadOnly } from '../ops/settings';
import { archiveFindings, createFindingsContext, getFindingsReport, type FindingsContext } from './findings';

const who = (subject: string, role: CurrentUser['role']): CurrentUser => ({
  id: `00000000-0000-4000-8000-${subject.padStart(12, '0').slice(-12)}`,
  issuer: 'https://idp.test',
  subject,
  name: subject,
  email: null,
  role,
  via: { kind: 'session', authenticatedAt: Date.now() },
});
const oscar = who('oscar', 'operator');
const admin = who('root', 'admin');

describeTargets('archiving findings under the kill switch', (target) => {
  let running: RunningSandbox;
  let ctx: FindingsContext;
  let db: Db;

  before(async () => {
    running = await startSandbox({ port: await freePort(), seed: 42, speed: 0 });
    ctx = createFindingsContext({ aws: testClients(running.url, { callDeadlineMs: 5000 }) });
    db = (await target.fresh({ migrated: true })).db;
  });
  after(async () => {
    await running?.close();
  });

  const guardDutyWrites = async () => {
    const body = (await (await fetch(`${running.url}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
    return Object.entries(body.calls).filter(([k]) => /^guardduty:(Un)?[Aa]rchiveFindings$/.test(k)).reduce((s, [, v]) => s + v, 0);
  };

  it('read-only: archive and unarchive are 403 with the read-only words, nothing sent, nothing audited; off again: archives', async () => {
    const report = await getFindingsReport({}, ctx);
    const id = report.findings![0]!.id;
    await setReadOnly(db, admin, true, 'change freeze');
    const auditBefore = (await db.select().from(auditLog)).length;
    for (const archived of [true, false]) {
      await assert.rejects(
        archiveFindings(oscar, [id], archived, 'noise', ctx, { db }),
        (e) => isAppError(e) && e.code === 'forbidden' && /^Codeflow is in read-only mode \(set by root at .+\): change freeze\. No changes can be made until an admin turns it off\.$/.test(e.message),
      );
    }
    assert.equal(await guardDutyWrites(), 0);
    assert.equal((await db.select().from(auditLog)).length, auditBefore, 'a refused write leaves no intent behind');

    await setReadOnly(db, admin, false, 'freeze over');
    const done = await archiveFindings(oscar, [id], true, 'known scanner', ctx, { db });
    assert.equal(done.archived, true);
    assert.equal(await guardDutyWrites(), 1);
    const actions = (await db.select().from(auditLog)).map((r) => `${r.action}:${r.outcome}`);
    assert.ok(actions.includes('finding.archive:intent') && actions.includes('finding.archive:success'), actions.join(' '));
  });
});

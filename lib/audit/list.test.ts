import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../db/client';
import { describeTargets } from '../db/test-targets';
import { appendAudit } from './append';
import { csvCell, csvRow, exportAudit } from './export';
import { listAudit } from './list';
import type { Actor, AuditEntry, NewAuditEntry } from './types';

const alice: Actor = { issuer: 'https://idp.example', subject: 'alice@corp', name: 'Alice Liddell', role: 'operator' };
const bob: Actor = { issuer: 'https://idp.example', subject: 'bob@corp', name: 'Bob', role: 'viewer' };

const seed: NewAuditEntry[] = [
  { actor: alice, action: 'auth.sign_in', outcome: 'success' },
  { actor: bob, action: 'auth.sign_in', outcome: 'success' },
  { actor: null, action: 'auth.denied', target: '/api/services', reason: 'no session', outcome: 'denied' },
  { actor: alice, action: 'service.scale', target: 'prod/api', params: { to: 4 }, reason: 'load, "peak"', outcome: 'intent' },
  { actor: alice, action: 'service.scale', target: 'prod/api', outcome: 'success', intentSeq: 4, awsRequestIds: ['r-1'] },
  { actor: bob, action: 'service.scale', target: 'staging/100%_done', reason: '=HYPERLINK("http://evil")', outcome: 'denied' },
  { actor: alice, action: 'service.rollback', target: 'prod/worker', reason: 'line one\nline two', outcome: 'failure' },
  { actor: alice, action: 'auth.sign_out', outcome: 'success' },
];

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describeTargets('listAudit and exportAudit', (target) => {
  let db: Db;
  let all: AuditEntry[];
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
    all = [];
    for (const entry of seed) all.unshift(await appendAudit(db, entry));
  });

  const seqs = (entries: AuditEntry[]) => entries.map((e) => e.seq);

  it('lists newest first', async () => {
    const page = await listAudit(db, {});
    assert.deepEqual(page.entries, all);
    assert.equal(page.nextCursor, null);
  });

  it('filters by actor (name or subject, any case), action (exact or prefix*), target, outcome', async () => {
    assert.deepEqual(seqs((await listAudit(db, { actor: 'LIDDELL' })).entries), [8, 7, 5, 4, 1]);
    assert.deepEqual(seqs((await listAudit(db, { actor: 'bob@' })).entries), [6, 2]);
    assert.deepEqual(seqs((await listAudit(db, { action: 'auth.sign_in' })).entries), [2, 1]);
    assert.deepEqual(seqs((await listAudit(db, { action: 'auth.*' })).entries), [8, 3, 2, 1]);
    assert.deepEqual(seqs((await listAudit(db, { action: 'auth' })).entries), [], 'no implicit prefix');
    assert.deepEqual(seqs((await listAudit(db, { target: 'PROD/' })).entries), [7, 5, 4]);
    assert.deepEqual(seqs((await listAudit(db, { target: '%_' })).entries), [6], 'LIKE wildcards are literal');
    assert.deepEqual(seqs((await listAudit(db, { outcome: 'denied' })).entries), [6, 3]);
    assert.deepEqual(seqs((await listAudit(db, { actor: 'alice', action: 'service.scale', outcome: 'success' })).entries), [5]);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const pivot = all.find((e) => e.seq === 4)!.at;
    assert.deepEqual(seqs((await listAudit(db, { from: pivot })).entries), seqs(all.filter((e) => e.at >= pivot)));
    assert.deepEqual(seqs((await listAudit(db, { to: new Date(pivot) })).entries), seqs(all.filter((e) => e.at < pivot)));
    await assert.rejects(listAudit(db, { from: 'yesterday' }), /not a date/);
  });

  it('pages with a seq cursor, without repeats or gaps, while new entries arrive', async () => {
    const first = await listAudit(db, { limit: 3 });
    assert.deepEqual(seqs(first.entries), [8, 7, 6]);
    assert.equal(first.nextCursor, 6);
    const newer = await appendAudit(db, { actor: bob, action: 'auth.sign_in', outcome: 'success' });
    const second = await listAudit(db, { limit: 3, cursor: first.nextCursor });
    assert.deepEqual(seqs(second.entries), [5, 4, 3]);
    const third = await listAudit(db, { limit: 3, cursor: second.nextCursor });
    assert.deepEqual(seqs(third.entries), [2, 1]);
    assert.equal(third.nextCursor, null);
    const filtered = await listAudit(db, { actor: 'alice', limit: 2, cursor: 8 });
    assert.deepEqual(seqs(filtered.entries), [7, 5]);
    assert.equal(filtered.nextCursor, 5);
    all.unshift(newer);
  });

  it('exports CSV with a header, RFC 4180 quoting and formula-safe cells', async () => {
    const csv = await collect(exportAudit(db, { action: 'service.*' }, 'csv'));
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'seq,at,actor_issuer,actor_subject,actor_name,actor_role,action,target,outcome,reason,intent_seq,request_id,aws_request_ids,params,prev_hash,hash');
    assert.equal(csv.endsWith('\r\n'), true);
    const bySeq = (seq: number) => all.find((e) => e.seq === seq)!;
    assert.ok(csv.includes(`\r\n7,${bySeq(7).at},https://idp.example,alice@corp,Alice Liddell,operator,service.rollback,prod/worker,failure,"line one\nline two",,,[],,`));
    assert.ok(csv.includes(`,"'=HYPERLINK(""http://evil"")",`), 'a formula becomes text');
    assert.ok(csv.includes(`,"load, ""peak""",,,[],"{""to"":4}",`));
    assert.ok(csv.includes(`,success,,4,,"[""r-1""]",,`), 'outcome points at its intent');
  });

  it('exports JSON that parses back to the listed entries', async () => {
    const json = await collect(exportAudit(db, {}, 'json'));
    assert.deepEqual(JSON.parse(json), all);
    assert.deepEqual(JSON.parse(await collect(exportAudit(db, { actor: 'nobody' }, 'json'))), []);
    assert.equal(await collect(exportAudit(db, { actor: 'nobody' }, 'csv')), csvRow(['seq', 'at', 'actor_issuer', 'actor_subject', 'actor_name', 'actor_role', 'action', 'target', 'outcome', 'reason', 'intent_seq', 'request_id', 'aws_request_ids', 'params', 'prev_hash', 'hash']));
  });
});

it('csvCell quotes what needs it and defuses formulas', () => {
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(-5), '-5');
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\r\nlines'), '"two\r\nlines"');
  assert.equal(csvCell(' padded '), '" padded "');
  for (const risky of ['=1+1', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd']) assert.equal(csvCell(risky).replace(/^"/, '').startsWith("'"), true, risky);
  assert.equal(csvCell('=a,b'), `"'=a,b"`);
});

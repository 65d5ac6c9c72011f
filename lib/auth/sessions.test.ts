import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { describeTargets } from '../db/test-targets';
import { apiTokens, sessions, users } from '../db/schema';
import { listAudit } from '../audit/list';
import { revokeSessions, setRoleOverride } from './admin';
import type { CurrentUser } from './identity';
import { seal, unseal } from './sealed';
import { endSession, endUserSessions, getLiveSession, latestIdpAccessToken, sessionEndedBy, startSession } from './sessions';
import { createApiToken, findLiveToken, listAllApiTokens, revokeAnyApiToken } from './tokens';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const LIMITS = { maxAgeMs: 12 * 3600_000, idleMs: 2 * 3600_000 };
const admin: CurrentUser = { id: '00000000-0000-4000-8000-000000000001', issuer: 'https://idp.example', subject: 'ada', name: 'Ada', email: null, role: 'admin', via: { kind: 'session', authenticatedAt: 0 } };

async function addUser(db: Db, subject: string, idpRole: 'viewer' | 'responder' | 'operator' | 'admin' = 'operator') {
  const [row] = await db.insert(users).values({ issuer: 'https://idp.example', subject, name: subject, idpRole, idpGroups: [] }).returning();
  return row!;
}

describeTargets('server-side sessions', (target) => {
  let db: Db;
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
  });

  it('a session is live until it is ended, and a copied cookie dies with it (sign-out)', async () => {
    const user = await addUser(db, 'signout');
    const { sid } = await startSession(user.id, LIMITS, { secret: SECRET }, db);
    assert.ok(await getLiveSession(sid, user.id, 'operator', LIMITS, db));
    assert.equal(await getLiveSession(sid, '00000000-0000-4000-8000-00000000dead', 'operator', LIMITS, db), null, 'another user’s cookie id does not fit');
    assert.equal(await getLiveSession('forged', user.id, 'operator', LIMITS, db), null);
    await endSession(sid, 'signed out', db);
    assert.equal(await getLiveSession(sid, user.id, 'operator', LIMITS, db), null);
    const [row] = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    assert.equal(row?.endedReason, 'signed out');
  });

  it('idle timeout ends operators’ and admins’ sessions; viewers keep theirs to the absolute limit', async () => {
    const now = Date.now();
    const idle = { endedAt: null, expiresAt: new Date(now + 3600_000), lastSeenAt: new Date(now - 3 * 3600_000) };
    assert.equal(sessionEndedBy(idle, 'operator', LIMITS, now), 'idle timeout');
    assert.equal(sessionEndedBy(idle, 'admin', LIMITS, now), 'idle timeout');
    assert.equal(sessionEndedBy(idle, 'viewer', LIMITS, now), null);
    assert.equal(sessionEndedBy(idle, 'responder', LIMITS, now), null);
    assert.equal(sessionEndedBy({ ...idle, expiresAt: new Date(now - 1) }, 'viewer', LIMITS, now), 'expired');

    const user = await addUser(db, 'idle');
    const { sid, row } = await startSession(user.id, LIMITS, { secret: SECRET }, db);
    await db.update(sessions).set({ lastSeenAt: new Date(now - 3 * 3600_000) }).where(eq(sessions.id, row.id));
    assert.equal(await getLiveSession(sid, user.id, 'admin', LIMITS, db), null);
    const [ended] = await db.select().from(sessions).where(eq(sessions.id, row.id));
    assert.equal(ended?.endedReason, 'idle timeout', 'the record says why it ended');
  });

  it('the absolute lifetime is configurable and ends the session on the server', async () => {
    const user = await addUser(db, 'short');
    const { sid } = await startSession(user.id, { maxAgeMs: 1, idleMs: LIMITS.idleMs }, { secret: SECRET }, db);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await getLiveSession(sid, user.id, 'viewer', LIMITS, db), null);
  });

  it('keeps the IdP access token sealed, and hands the newest live one to the owner’s tokens', async () => {
    const user = await addUser(db, 'sealed');
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    await startSession(user.id, LIMITS, { accessToken: 'at-old', accessTokenExpiresAt: inAnHour, secret: SECRET }, db);
    await new Promise((r) => setTimeout(r, 5));
    const { sid } = await startSession(user.id, LIMITS, { accessToken: 'at-new', accessTokenExpiresAt: inAnHour, secret: SECRET }, db);
    const stored = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    assert.ok(stored.every((s) => s.idpAccessToken && !s.idpAccessToken.includes('at-')), 'not stored in clear');
    assert.equal(await latestIdpAccessToken(user.id, SECRET, db), 'at-new');
    assert.equal(await latestIdpAccessToken(user.id, 'another-secret-another-secret-another', db), null);
    await endSession(sid, 'signed out', db);
    assert.equal(await latestIdpAccessToken(user.id, SECRET, db), 'at-old');
    await endUserSessions(user.id, 'revoked by an admin', db);
    assert.equal(await latestIdpAccessToken(user.id, SECRET, db), null, 'no live sign-in, nothing to confirm the role with');
    const [v, iv, body, tag] = seal('at-secret', SECRET).split('.');
    const flipped = body!.startsWith('A') ? `B${body!.slice(1)}` : `A${body!.slice(1)}`;
    assert.equal(unseal([v, iv, flipped, tag].join('.'), SECRET), null, 'a tampered value does not open');
    assert.equal(unseal(seal('at-secret', SECRET), SECRET), 'at-secret');
  });

  it('revoking a user’s sessions ends every session and revokes every token, audited', async () => {
    const user = await addUser(db, 'revoked');
    const a = await startSession(user.id, LIMITS, { secret: SECRET }, db);
    const b = await startSession(user.id, LIMITS, { secret: SECRET }, db);
    const { secret } = await createApiToken({ id: user.id, role: 'operator' }, { name: 'ci', role: 'operator', expiresInDays: 7 }, db);
    const ownerRole = async () => 'operator' as const;
    assert.ok(await findLiveToken(secret, ownerRole, db));

    await revokeSessions(admin, user.id, 'laptop stolen', db);
    assert.equal(await getLiveSession(a.sid, user.id, 'operator', LIMITS, db), null);
    assert.equal(await getLiveSession(b.sid, user.id, 'operator', LIMITS, db), null);
    assert.equal(await findLiveToken(secret, ownerRole, db), null, 'the token died with the sessions');
    const [entry] = (await listAudit(db, { action: 'user.sessions_revoke', limit: 1 })).entries;
    assert.equal((entry?.params as { sessionsEnded: number }).sessionsEnded, 2);
    assert.equal((entry?.params as { tokensRevoked: string[] }).tokensRevoked.length, 1);
  });

  it('an admin’s override that lowers a role ends the sessions; one that raises it does not', async () => {
    const user = await addUser(db, 'demoted', 'operator');
    const first = await startSession(user.id, LIMITS, { secret: SECRET }, db);
    await setRoleOverride(admin, user.id, 'admin', 'cover the weekend', db);
    assert.ok(await getLiveSession(first.sid, user.id, 'admin', LIMITS, db), 'a promotion keeps the session');
    await setRoleOverride(admin, user.id, 'viewer', 'no longer on call', db);
    assert.equal(await getLiveSession(first.sid, user.id, 'viewer', LIMITS, db), null);
  });

  it('admins list every token with its owner and revoke anyone’s', async () => {
    const user = await addUser(db, 'tokenowner');
    const { token, secret } = await createApiToken({ id: user.id, role: 'operator' }, { name: 'deploy-bot', role: 'responder', expiresInDays: 7 }, db);
    const listed = (await listAllApiTokens(db)).find((t) => t.token.id === token.id);
    assert.equal(listed?.owner.subject, 'tokenowner');
    const revoked = await revokeAnyApiToken(token.id, db);
    assert.equal(revoked.owner.id, user.id);
    assert.equal(await findLiveToken(secret, async () => 'operator', db), null);
    await assert.rejects(revokeAnyApiToken(token.id, db), /No active token/);
    const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    assert.ok(row?.revokedAt);
  });
});

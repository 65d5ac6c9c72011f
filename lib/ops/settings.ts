import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import type { CurrentUser } from '../auth/identity';
import { actorOf } from '../auth/identity';
import type { Db } from '../db/client';
import { settings } from '../db/schema';
import { AppError } from '../errors';
import type { ReadOnlySetting } from './types';

const KEY = 'read_only';

export async function getReadOnly(db: Db): Promise<ReadOnlySetting> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  const value = (row?.value ?? null) as { readOnly?: boolean; reason?: string | null } | null;
  return { readOnly: value?.readOnly === true, reason: value?.reason ?? null, setBy: row?.setBy ?? null, setAt: row?.setAt.toISOString() ?? null };
}

/** The kill switch: while on, every write through lib/ops answers 403. Admins only; audited. */
export async function setReadOnly(db: Db, user: CurrentUser, readOnly: boolean, reason: string): Promise<ReadOnlySetting> {
  if (user.role !== 'admin') throw new AppError('forbidden', `Only an admin may switch read-only mode (your role: ${user.role}).`);
  const value = { readOnly, reason };
  await db
    .insert(settings)
    .values({ key: KEY, value, setBy: user.name || user.subject, setAt: new Date() })
    .onConflictDoUpdate({ target: settings.key, set: { value, setBy: user.name || user.subject, setAt: new Date() } });
  await appendAudit(db, { actor: actorOf(user), action: 'settings.read-only', target: 'codeflow', params: { readOnly }, reason, outcome: 'success' });
  return getReadOnly(db);
}

/** `instead`: what the person can do meanwhile, appended to the refusal. */
export async function assertWritable(db: Db, instead = 'No changes can be made until an admin turns it off.'): Promise<void> {
  const s = await getReadOnly(db);
  if (s.readOnly) {
    throw new AppError('forbidden', `Codeflow is in read-only mode${s.setBy ? ` (set by ${s.setBy}${s.setAt ? ` at ${s.setAt}` : ''})` : ''}${s.reason ? `: ${s.reason}` : ''}. ${instead}`, { subCode: 'read_only' });
  }
}

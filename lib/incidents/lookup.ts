import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { incidents } from '../db/schema-incidents';
import { AppError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** "2", "#2", "INC-2": the number people say and the CLI prints. */
const NUMBER = /^(?:#|inc-)?([1-9]\d{0,9})$/i;

/**
 * The incident's id for what someone typed or linked: its id, or its number as the UI and the CLI
 * call it ("#2" lives at /incidents/2). null when there is no such incident.
 */
export async function findIncidentId(db: Db, ref: string): Promise<string | null> {
  const number = NUMBER.exec(ref.trim())?.[1];
  if (number !== undefined) {
    const n = Number(number);
    if (n > 2_147_483_647) return null;
    const [row] = await db.select({ id: incidents.id }).from(incidents).where(eq(incidents.number, n)).limit(1);
    return row?.id ?? null;
  }
  if (!UUID.test(ref)) return null;
  const [row] = await db.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, ref)).limit(1);
  return row?.id ?? null;
}

/** Whether `ref` has the shape of an incident reference at all (a 400, not a 404, otherwise). */
export function isIncidentRef(ref: string): boolean {
  return NUMBER.test(ref.trim()) || UUID.test(ref);
}

/** As findIncidentId, for route handlers: a 404 naming what was asked for. */
export async function incidentIdOrThrow(db: Db, ref: string): Promise<string> {
  const id = await findIncidentId(db, ref);
  if (!id) throw new AppError('not_found', `No incident ${NUMBER.test(ref.trim()) ? `#${NUMBER.exec(ref.trim())![1]}` : `with the id "${ref.slice(0, 60)}"`}`);
  return id;
}

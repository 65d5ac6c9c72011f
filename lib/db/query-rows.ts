import type { SQLWrapper } from 'drizzle-orm';
import type { Db } from './db';

/** Raw SQL with typed rows; both drivers answer `execute` with a result carrying `rows`. */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQLWrapper): Promise<T[]> {
  const result = (await db.execute<T>(query)) as unknown as { rows: T[] };
  return result.rows;
}

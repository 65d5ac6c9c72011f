import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/** What callers get from either driver: the common Drizzle API over our schema. Transactions are a Db too. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../auth/roles';

// Its own module so the other schema files can reference users without importing the schema index.
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  issuer: text('issuer').notNull(),
  subject: text('subject').notNull(),
  name: text('name'),
  email: text('email'),
  idpGroups: jsonb('idp_groups').$type<string[]>().notNull().default([]),
  /** The role last computed from the IdP's groups; null until first computed. */
  idpRole: text('idp_role', { enum: ROLES }),
  /** Set by an admin; wins over idp_role. */
  roleOverride: text('role_override', { enum: ROLES }),
  /** Sessions issued before this instant are revoked. */
  sessionsValidAfter: tstz('sessions_valid_after'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  lastSignInAt: tstz('last_sign_in_at'),
  roleCheckedAt: tstz('role_checked_at'),
});

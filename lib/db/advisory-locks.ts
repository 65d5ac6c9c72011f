/**
 * Keys for pg_advisory_xact_lock, in one place so no two features pick the same number.
 * All start with 0x0c0de... so they are unlikely to collide with another application's keys
 * on a shared server.
 */
export const ADVISORY_LOCKS = {
  migrate: 0x0c0de_0001,
  auditAppend: 0x0c0de_0002,
} as const;

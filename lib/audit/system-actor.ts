import type { Role } from '../auth/roles';
import type { Actor } from './types';

/** The issuer recorded for Codeflow's own background work: no IdP can issue it, so no person can be confused with it. */
export const SYSTEM_ISSUER = 'urn:codeflow:system';

/**
 * The actor for work Codeflow does by itself: "system: escalation worker", "system: operation
 * runner". `role` is the role it acts for — the role a person would need to do the same by hand —
 * so the audit log never shows automatic actions as anonymous or role-less.
 */
export function systemActor(worker: string, role: Role): Actor {
  const slug = worker.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  if (!slug) throw new Error('a system actor needs a name');
  return { issuer: SYSTEM_ISSUER, subject: `system:${slug}`, name: `system: ${worker.trim()}`, role };
}

export const isSystemActor = (actor: Actor | null): boolean => actor?.issuer === SYSTEM_ISSUER;

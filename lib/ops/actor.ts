import type { Role } from '../auth/roles';
import type { NewAuditEntry } from '../audit/types';

/**
 * Who an operation's AWS writes are done for. `runner` marks the background operation runner
 * acting for this person (verification, reconciliation, an automatic rollback): the audit then
 * names the runner, with the role it acts for, and the person under params.onBehalfOf.
 */
export interface Actor {
  issuer: string;
  subject: string;
  name: string | null;
  /** The role this person holds at the moment of the entry. */
  role: Role | null;
  runner?: boolean;
}

export const RUNNER_NAME = 'system: operation runner';

export function auditActorOf(actor: Actor): { actor: NonNullable<NewAuditEntry['actor']>; onBehalfOf?: { issuer: string; subject: string; name: string | null } } {
  if (!actor.runner) return { actor: { issuer: actor.issuer, subject: actor.subject, name: actor.name, role: actor.role } };
  return {
    actor: { issuer: 'codeflow', subject: 'operation-runner', name: RUNNER_NAME, role: actor.role },
    onBehalfOf: { issuer: actor.issuer, subject: actor.subject, name: actor.name },
  };
}

/** The sandbox issuer's demo identities: one per Codeflow role, so every permission path can be tried. */
export interface SandboxUser {
  /** Also the login form value and the `preferred_username` claim. */
  id: string;
  /** Stable across restarts so audit entries and role mappings keep pointing at the same person. */
  sub: string;
  name: string;
  email: string;
  /** The group claim Codeflow maps to a role. */
  group: string;
  role: 'viewer' | 'responder' | 'operator' | 'admin';
  /** What the role may do, as shown on the sign-in page. */
  can: string;
}

const user = (role: SandboxUser['role'], name: string, can: string): SandboxUser => ({
  id: role,
  sub: `sandbox|${role}`,
  name,
  email: `${role}@sandbox.codeflow.local`,
  group: `codeflow-${role}s`,
  role,
  can,
});

export const sandboxUsers: readonly SandboxUser[] = [
  user('viewer', 'Vera Viewer', 'managers: read everything, the boards'),
  user('responder', 'Rui Responder', 'on-call: + incidents, log queries'),
  user('operator', 'Olga Operator', '+ deploy, roll back, scale, switch traffic'),
  user('admin', 'Ada Admin', '+ settings, role mappings, session revocation'),
];

export function findSandboxUser(idOrSub: string): SandboxUser | undefined {
  return sandboxUsers.find((u) => u.id === idOrSub || u.sub === idOrSub);
}

/**
 * The claims the issuer releases, by scope. `codeflow_sandbox` rides on `openid` so every token
 * carries it: Codeflow refuses these identities when it points at real AWS.
 */
export function sandboxUserClaims(u: SandboxUser, groups: string[] = [u.group]): Record<string, unknown> {
  return {
    sub: u.sub,
    name: u.name,
    preferred_username: u.id,
    email: u.email,
    email_verified: true,
    groups,
    codeflow_sandbox: true,
  };
}

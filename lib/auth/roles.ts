/** Roles in increasing power; each includes everything the ones before it may do. */
export const ROLES = ['viewer', 'responder', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleRank = (role: Role): number => ROLES.indexOf(role);

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export function atLeast(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}

export function lowerOf(a: Role, b: Role): Role {
  return roleRank(a) <= roleRank(b) ? a : b;
}

/** The default IdP group names; a deployment maps its own groups in config. */
export const DEFAULT_ROLE_MAPPING: Record<string, Role> = {
  'codeflow-viewers': 'viewer',
  'codeflow-responders': 'responder',
  'codeflow-operators': 'operator',
  'codeflow-admins': 'admin',
};

/**
 * The highest role any of the user's groups maps to. No group, or only unknown ones, gives
 * viewer: signing in through the company's SSO is enough to read, never to act.
 */
export function roleFromGroups(groups: readonly string[], mapping: Record<string, Role>): Role {
  let role: Role = 'viewer';
  for (const group of groups) {
    const mapped = mapping[group];
    if (mapped && roleRank(mapped) > roleRank(role)) role = mapped;
  }
  return role;
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'read everything, the boards',
  responder: 'viewer, plus open, acknowledge and escalate incidents, run log queries',
  operator: 'responder, plus deploy, roll back, scale and switch traffic',
  admin: 'operator, plus settings, role mappings, approval overrides and session revocation',
};

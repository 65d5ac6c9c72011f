import type { AuthConfig } from '../config';

/** Pure sign-in rules, kept apart from next-auth's options so they can be tested in plain Node. */

export interface OidcProfile {
  iss: string;
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  codeflow_sandbox?: boolean;
  [claim: string]: unknown;
}

export function secureCookies(nextAuthUrl: string | undefined): boolean {
  if (!nextAuthUrl) return false;
  const { protocol, hostname } = new URL(nextAuthUrl);
  // Secure cookies everywhere but plain-HTTP loopback, where browsers would drop them.
  return protocol === 'https:' || !['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

export function groupsOf(profile: Record<string, unknown>, claim: string): string[] {
  const value = profile[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * The sandbox issuer's URL changes with its port at every start; its demo people should not. Their
 * identities are pinned to one issuer name so a restart does not create new users.
 */
export const SANDBOX_ISSUER = 'urn:codeflow:sandbox';

export function identityIssuer(claims: Pick<OidcProfile, 'iss' | 'codeflow_sandbox'>, configuredIssuer: string): string {
  return claims.codeflow_sandbox === true ? SANDBOX_ISSUER : (claims.iss ?? configuredIssuer);
}

/** Sandbox identities sign in only when Codeflow runs on its own sandbox, never next to real AWS. */
export function refusesSandboxIdentity(claims: Pick<OidcProfile, 'codeflow_sandbox'>, auth: Pick<AuthConfig, 'allowSandboxIdentities'>): boolean {
  return claims.codeflow_sandbox === true && !auth.allowSandboxIdentities;
}

/**
 * The AWS organisation the sandbox plays when Codeflow runs on it: three accounts, two Regions.
 * The sandbox (sandbox/) builds one world per account × Region listed here and answers STS for
 * the roles; the console (lib/config.ts) watches the same accounts, reaching the production account
 * with its own credentials and the others by sts:AssumeRole — the two ways a real deployment has.
 *
 * Credentials the sandbox did not issue (any static key, as the AWS CLI and tests use) belong to
 * the production account, so a single-account client sees exactly the world it always did.
 */

export interface SandboxAccount {
  id: string;
  name: string;
  environment: string;
  /** Regions with a world in this account; the first is the account's home Region. */
  regions: string[];
  /** The role Codeflow reads through (absent: Codeflow's own credentials, which belong to this account). */
  readRole?: string;
  /** The role Codeflow writes through, with the acting person in the session name. */
  operatorRole?: string;
  /** Required by the roles' trust policies. */
  externalId?: string;
  /**
   * Services in each of the account's Regions: every world is topped up with generated workers to
   * this many (a bench's organisation). Absent: each Region holds what its layout gives it.
   */
  fleetSize?: number;
}

export const SANDBOX_EXTERNAL_ID = 'codeflow-sandbox';

export const SANDBOX_ACCOUNTS: readonly SandboxAccount[] = [
  { id: '123456789012', name: 'production', environment: 'production', regions: ['us-east-1', 'us-west-2'] },
  {
    id: '210987654321',
    name: 'staging',
    environment: 'staging',
    regions: ['us-east-1', 'us-west-2'],
    readRole: 'arn:aws:iam::210987654321:role/CodeflowReadOnly',
    operatorRole: 'arn:aws:iam::210987654321:role/CodeflowOperator',
    externalId: SANDBOX_EXTERNAL_ID,
  },
  {
    id: '555555555555',
    name: 'security',
    environment: 'security',
    regions: ['us-east-1'],
    readRole: 'arn:aws:iam::555555555555:role/CodeflowReadOnly',
    externalId: SANDBOX_EXTERNAL_ID,
  },
];

/** The account whose credentials Codeflow itself holds in the sandbox (the one that assumes the others' roles). */
export const SANDBOX_HOME_ACCOUNT = SANDBOX_ACCOUNTS[0]!;

/** The organisation as Codeflow's `accounts` configuration (CODEFLOW_ACCOUNTS) when it runs on the sandbox. */
export function sandboxAccountsConfig(accounts: readonly SandboxAccount[] = SANDBOX_ACCOUNTS) {
  return accounts.map((a) => ({
    id: a.id,
    name: a.name,
    environment: a.environment,
    regions: a.regions,
    ...(a.readRole ? { role: { readArn: a.readRole, ...(a.operatorRole ? { operatorArn: a.operatorRole } : {}), ...(a.externalId ? { externalId: a.externalId } : {}) } } : {}),
  }));
}

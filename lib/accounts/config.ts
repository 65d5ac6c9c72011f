import { z } from 'zod';

/*
 * The `accounts` section of codeflow.config.json (or the same JSON array in CODEFLOW_ACCOUNTS):
 * every AWS account Codeflow watches, with the Regions to read and how to reach it. Without it,
 * AWS_REGION and the default credential chain describe one account, as they always did.
 */

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@\/-]{1,512}$/;

export interface AccountRole {
  /** Assumed for reads (session name `codeflow-read`). */
  readArn: string;
  /** Assumed for writes, with the acting person in the session name; the read role when absent. */
  operatorArn: string;
  externalId: string | undefined;
}

export interface AccountConfig {
  /** The 12-digit account id; `default` for the implicit account of an env-only configuration whose id is not given. */
  id: string;
  name: string;
  /** Decides policy (production needs approval by default) unless policy.clusters names the cluster. */
  environment: string | undefined;
  /** The first is the account's home Region. */
  regions: string[];
  /** Clusters to show; empty means discover them in each Region. */
  clusters: string[];
  /** Absent: Codeflow's own credentials reach this account. */
  role: AccountRole | undefined;
}

const roleSchema = z
  .object({
    readArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::210987654321:role/CodeflowReadOnly'),
    operatorArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::210987654321:role/CodeflowOperator').optional(),
    externalId: z.string().min(2).max(1224).regex(/^[\w+=,.@:\/-]+$/, 'may hold letters, digits and +=,.@:/-').optional(),
  })
  .strict();

const accountSchema = z
  .object({
    id: z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account id'),
    name: z.string().min(1).max(64).regex(/^[\w .-]+$/, 'may hold letters, digits, spaces and _.-'),
    environment: z.string().min(1).max(64).optional(),
    regions: z.array(z.string().regex(REGION, 'must be an AWS Region name such as us-east-1')).min(1).max(30),
    clusters: z.array(z.string().min(1).max(255)).max(100).optional(),
    role: roleSchema.optional(),
  })
  .strict();

export const accountsFileSchema = z
  .array(accountSchema)
  .min(1)
  .max(500)
  .superRefine((accounts, ctx) => {
    const ids = new Set<string>();
    const names = new Set<string>();
    accounts.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `account ${a.id} is listed twice` });
      if (names.has(a.name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the name "${a.name}" is used twice` });
      ids.add(a.id);
      names.add(a.name.toLowerCase());
      for (const arn of [a.role?.readArn, a.role?.operatorArn]) {
        const owner = arn && ROLE_ARN.exec(arn)?.[1];
        if (owner && owner !== a.id) ctx.addIssue({ code: 'custom', path: [i, 'role'], message: `${arn} is a role in account ${owner}, not in ${a.id}` });
      }
    });
  });

export type AccountsFile = z.infer<typeof accountsFileSchema>;

/** The accounts from the file or CODEFLOW_ACCOUNTS (which wins), or the one implicit account. */
export function parseAccountsConfig(
  file: AccountsFile | undefined,
  env: Record<string, string | undefined>,
  implicit: { region: string; clusters: string[]; sandbox: boolean },
): AccountConfig[] {
  const raw = env.CODEFLOW_ACCOUNTS?.trim();
  let listed = file;
  if (raw) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error('CODEFLOW_ACCOUNTS must be a JSON array of accounts ([{ "id", "name", "regions", "environment"?, "clusters"?, "role"? }]); it is not valid JSON');
    }
    const parsed = accountsFileSchema.safeParse(json);
    if (!parsed.success) throw new Error(`CODEFLOW_ACCOUNTS: ${describeIssue(parsed.error)}`);
    listed = parsed.data;
  }
  if (!listed) {
    const id = env.CODEFLOW_ACCOUNT_ID?.trim();
    if (id && !ACCOUNT_ID.test(id)) throw new Error(`CODEFLOW_ACCOUNT_ID must be a 12-digit AWS account id, got "${id}"`);
    return [
      {
        // The sandbox's single account is 123456789012; real AWS's is named when CODEFLOW_ACCOUNT_ID says it.
        id: id || (implicit.sandbox ? '123456789012' : 'default'),
        name: env.CODEFLOW_ACCOUNT_NAME?.trim() || (implicit.sandbox ? 'sandbox' : 'default'),
        environment: undefined,
        regions: [implicit.region],
        clusters: implicit.clusters,
        role: undefined,
      },
    ];
  }
  return listed.map((a) => ({
    id: a.id,
    name: a.name,
    environment: a.environment,
    regions: a.regions,
    clusters: a.clusters ?? [],
    role: a.role && { readArn: a.role.readArn, operatorArn: a.role.operatorArn ?? a.role.readArn, externalId: a.role.externalId },
  }));
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`;
}

/**
 * The AWS API actions Codeflow's code calls, derived from lib/aws: every `new XCommand(` in a
 * module (tests and lib/aws/testing excluded) whose `XCommand` is imported from an
 * `@aws-sdk/client-*` package becomes `<iam prefix>:X`, classified read or write by its verb.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** SDK client package → IAM service prefix. A new client in lib/aws must be added here. */
export const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-backup': 'backup',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-guardduty': 'guardduty',
  '@aws-sdk/client-sts': 'sts',
};

/**
 * STS calls are granted outside the read and write statements: sts:AssumeRole by its own policy on
 * exactly the member roles (aws-webapp's member_account_roles), and sts:GetCallerIdentity needs no
 * permission at all. Codeflow makes them from its own account, never through a member role.
 */
export const STS_ACTIONS = new Set(['sts:AssumeRole', 'sts:GetCallerIdentity']);

/** lib/aws functions that call a service over its wire protocol (no SDK client) → IAM service prefix. */
export const RAW_CALLERS: Record<string, string> = {
  callEcr: 'ecr',
};

export type Access = 'read' | 'write';

/** Actions that read even though their verb is a write verb: Logs Insights queries change nothing in AWS. */
const READ_EXCEPTIONS = new Set(['logs:StartQuery', 'logs:StopQuery']);
const READ_VERBS = ['Describe', 'List', 'Get', 'Filter', 'BatchGet', 'Search', 'Lookup'];
const WRITE_VERBS = [
  'Register', 'Deregister', 'Update', 'Modify', 'Stop', 'Start', 'Continue', 'Put', 'Set', 'Archive', 'Unarchive',
  'Create', 'Delete', 'Run', 'Tag', 'Untag', 'Enable', 'Disable', 'Add', 'Remove', 'Attach', 'Detach', 'Execute', 'Cancel',
];

export function classify(action: string): Access {
  if (READ_EXCEPTIONS.has(action) || STS_ACTIONS.has(action)) return 'read';
  const name = action.slice(action.indexOf(':') + 1);
  const startsWith = (verb: string) => name.startsWith(verb) && /^[A-Z]/.test(name.slice(verb.length));
  if (READ_VERBS.some(startsWith)) return 'read';
  if (WRITE_VERBS.some(startsWith)) return 'write';
  throw new Error(`cannot tell whether ${action} reads or writes: add its verb to READ_VERBS or WRITE_VERBS in infrastructure/aws-webapp/testing/aws-actions.ts`);
}

export interface CalledAction {
  action: string;
  access: Access;
  file: string;
}

/** The actions one module's source calls. */
export function actionsInSource(source: string, file: string): CalledAction[] {
  const imported = new Map<string, string>(); // local name → package
  for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)) {
    for (const spec of m[1]!.split(',')) {
      const s = spec.trim();
      if (!s || s.startsWith('type ')) continue;
      const [original, alias] = s.split(/\s+as\s+/);
      imported.set((alias ?? original)!.trim(), m[2]!);
      if (alias) imported.set(`${alias.trim()}\0original`, original!.trim());
    }
  }
  const out: CalledAction[] = [];
  // Services spoken over their wire protocol without an SDK client (lib/aws/ecr.ts): `callEcr(client, 'Operation', …)`.
  for (const m of source.matchAll(/\b(call[A-Z]\w*)(?:<[^>(]*>)?\(\s*[^,()]+,\s*'([A-Z]\w+)'/g)) {
    const prefix = RAW_CALLERS[m[1]!];
    if (!prefix) continue;
    const action = `${prefix}:${m[2]}`;
    out.push({ action, access: classify(action), file });
  }
  for (const m of source.matchAll(/new\s+([A-Za-z_$][\w$]*)\s*\(/g)) {
    const local = m[1]!;
    const pkg = imported.get(local);
    if (!pkg) continue;
    const className = imported.get(`${local}\0original`) ?? local;
    if (!className.endsWith('Command')) continue;
    const prefix = IAM_PREFIX[pkg];
    if (!prefix) throw new Error(`${file} uses ${pkg}: add its IAM service prefix to IAM_PREFIX in infrastructure/aws-webapp/testing/aws-actions.ts`);
    const action = `${prefix}:${className.slice(0, -'Command'.length)}`;
    out.push({ action, access: classify(action), file });
  }
  return out;
}

/** Every action the modules in lib/aws call (tests and test helpers excluded). */
export function actionsCalledBy(libAwsDir: string): CalledAction[] {
  const all: CalledAction[] = [];
  for (const entry of readdirSync(libAwsDir, { withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
    all.push(...actionsInSource(readFileSync(join(libAwsDir, entry.name), 'utf8'), `lib/aws/${entry.name}`));
  }
  return all;
}

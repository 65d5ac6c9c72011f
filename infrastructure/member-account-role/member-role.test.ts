import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SANDBOX_ACCOUNTS, SANDBOX_EXTERNAL_ID } from '../../lib/sandbox/organization';
import { STS_ACTIONS, actionsCalledBy, classify, type Access } from '../aws-webapp/testing/aws-actions';
import { loadModule, policyStatement, referencesOf, type Block } from '../aws-webapp/testing/hcl';

/**
 * The role Codeflow assumes in a member account grants exactly what lib/aws calls there: the
 * read-only variant every read, the operator variant every read and every write. Like
 * infrastructure/aws-webapp/iam-policy.test.ts, the actions are derived from the source, so a new
 * SDK call without a grant here fails. Terraform cannot download its providers here: the module is
 * parsed with HashiCorp's HCL parser, and `terraform` itself (when on PATH) checks formatting and
 * evaluates the variables' validations, which need no provider.
 */
const MODULE_DIR = import.meta.dirname;
const ROOT = join(MODULE_DIR, '..', '..');
const module = await loadModule(MODULE_DIR);

/**
 * Calls Codeflow makes in its own account only, never through a member role: appending the audit
 * log's anchors (infrastructure/aws-webapp/audit.tf grants them on the anchor log group).
 */
const HOME_ACCOUNT_ONLY = new Set(['logs:CreateLogStream', 'logs:PutLogEvents']);

/** ECS writes that name a service or one of its deployments: scoped to `clusters` when it is set. */
const SERVICE_WRITES = ['ecs:ContinueServiceDeployment', 'ecs:StopServiceDeployment', 'ecs:UpdateService'];

const WHERE: Record<Access, string> = {
  read: 'statement "CodeflowRead" of data.aws_iam_policy_document.codeflow_read in infrastructure/member-account-role/main.tf',
  write: 'statements "CodeflowWrite" (no resource to scope to) or "CodeflowWriteServices" (names a service) of data.aws_iam_policy_document.codeflow_write in infrastructure/member-account-role/main.tf',
};

const called = actionsCalledBy(join(ROOT, 'lib', 'aws')).filter((c) => !HOME_ACCOUNT_ONLY.has(c.action) && !STS_ACTIONS.has(c.action));
const calledFrom = new Map<string, string>();
for (const c of called) calledFrom.set(c.action, [calledFrom.get(c.action), c.file].filter(Boolean).join(', '));
const expected: Record<Access, Set<string>> = { read: new Set(), write: new Set() };
for (const c of called) expected[c.access].add(c.action);

const actionsOf = (statement: Block) => (statement.actions as string[] | undefined) ?? [];
const statementsOf = (document: string) => (module.data.aws_iam_policy_document?.[document]?.statement as Block[] | undefined) ?? [];

/** What to add and what to remove, and where, so the failure needs no reading of this test. */
function difference(access: Access, granted: Set<string>): string | null {
  const missing = [...expected[access]].filter((a) => !granted.has(a)).sort();
  const extra = [...granted].filter((a) => !expected[access].has(a)).sort();
  if (missing.length === 0 && extra.length === 0) return null;
  const lines = [`The ${access} actions the member role grants differ from what lib/aws calls (${WHERE[access]}):`];
  if (missing.length > 0) {
    lines.push('  missing — add these:');
    for (const a of missing) lines.push(`      "${a}",   // called in ${calledFrom.get(a)}`);
  }
  if (extra.length > 0) {
    lines.push('  extra — no code calls these; remove them:');
    for (const a of extra) lines.push(`      "${a}",`);
  }
  return lines.join('\n');
}

describe('the member-account role grants exactly the AWS actions lib/aws calls', () => {
  it('finds the calls in lib/aws (the derivation itself works)', () => {
    for (const action of ['ecs:ListClusters', 'ecs:UpdateService', 'ecs:RegisterTaskDefinition', 'logs:FilterLogEvents', 'ecr:DescribeImages']) {
      assert.ok(calledFrom.has(action), `expected lib/aws to call ${action}; found ${[...calledFrom.keys()].join(', ')}`);
    }
  });

  it('read-only: CodeflowRead = every read action called, on every resource (List and Describe take no narrower one)', () => {
    const read = policyStatement(module, 'codeflow_read', 'CodeflowRead');
    const problem = difference('read', new Set(actionsOf(read)));
    assert.equal(problem, null, problem ?? '');
    assert.deepEqual(read.resources, ['*']);
  });

  it('operator: CodeflowWrite and CodeflowWriteServices = every write action called, each once', () => {
    const write = actionsOf(policyStatement(module, 'codeflow_write', 'CodeflowWrite'));
    const services = actionsOf(policyStatement(module, 'codeflow_write', 'CodeflowWriteServices'));
    const problem = difference('write', new Set([...write, ...services]));
    assert.equal(problem, null, problem ?? '');
    assert.deepEqual([...services].sort(), SERVICE_WRITES, 'the service-scoped statement holds exactly the ECS writes that name a service');
    assert.deepEqual(write.filter((a) => services.includes(a)), [], 'an action in both statements would escape the cluster scope');
  });

  it('the read-only role grants no write: the read policy holds only reads, and the write policy is attached to operators only', () => {
    const writes = statementsOf('codeflow_read').flatMap(actionsOf).filter((a) => classify(a) === 'write');
    assert.deepEqual(writes, [], `write actions in the read policy: ${writes.join(', ')}`);
    for (const a of statementsOf('codeflow_write').flatMap(actionsOf)) {
      if (a !== 'iam:PassRole') assert.equal(classify(a), 'write', `${a} is a read: it belongs in CodeflowRead`);
    }
    const policies = module.resources.aws_iam_role_policy ?? {};
    assert.deepEqual(Object.keys(policies).sort(), ['codeflow_read', 'codeflow_write'], 'no other inline policy on the role');
    assert.equal(policies.codeflow_read!.count, undefined, 'the read policy is always attached');
    assert.equal(policies.codeflow_read!.policy, '${data.aws_iam_policy_document.codeflow_read.json}');
    assert.equal(policies.codeflow_write!.count, '${local.operator ? 1 : 0}');
    assert.equal(policies.codeflow_write!.policy, '${data.aws_iam_policy_document.codeflow_write.json}');
    for (const p of Object.values(policies)) assert.equal(p.role, '${aws_iam_role.this.id}');
    assert.equal(module.locals.operator, '${var.variant == "operator"}');
    const managed = Object.keys(module.resources).filter((t) => /policy_attachment|aws_iam_policy$/.test(t));
    assert.deepEqual(managed, [], 'no managed policies: they would grant past these lists');
  });

  it('scopes the service writes to the clusters given (their services and deployments), every cluster when none is', () => {
    assert.equal(policyStatement(module, 'codeflow_write', 'CodeflowWriteServices').resources, '${local.service_arns}');
    const serviceArns = String(module.locals.service_arns);
    assert.match(serviceArns, /^\$\{length\(local\.cluster_arns\) == 0 \? \["\*"\] : /);
    assert.match(serviceArns, /for kind in \["service", "service-deployment"\]/);
    assert.match(serviceArns, /replace\(c, ":cluster\/", ":\$\{kind\}\/"\)\}\/\*/);
    const clusterArns = String(module.locals.cluster_arns);
    assert.match(clusterArns, /startswith\(c, "arn:"\) \? c : "arn:\$\{data\.aws_partition\.current\.partition\}:ecs:\*:\$\{data\.aws_caller_identity\.current\.account_id\}:cluster\/\$\{c\}"/);
    // The other writes take no cluster: say so rather than pretend to scope them.
    assert.deepEqual(policyStatement(module, 'codeflow_write', 'CodeflowWrite').resources, ['*']);
  });

  it('passes roles only to ECS tasks, only the roles listed, and has no PassRole statement when none is', () => {
    const doc = module.data.aws_iam_policy_document!.codeflow_write!;
    const [dynamic] = (doc.dynamic as Record<string, Block[]>).statement!;
    assert.equal(dynamic!.for_each, '${length(local.pass_role_arns) == 0 ? [] : [local.pass_role_arns]}');
    const content = (dynamic!.content as Block[])[0]!;
    assert.equal(content.sid, 'PassTaskRolesToEcs');
    assert.deepEqual(content.actions, ['iam:PassRole']);
    assert.equal(content.resources, '${statement.value}');
    assert.deepEqual(content.condition, [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] }]);
  });
});

describe('the trust policy', () => {
  const statements = statementsOf('trust');
  const trust = statements[0]!;
  const conditions = (trust.condition as { test: string; variable: string; values: string[] }[]) ?? [];

  it('is the role\'s, one Allow statement for sts:AssumeRole', () => {
    assert.equal(module.resources.aws_iam_role?.this?.assume_role_policy, '${data.aws_iam_policy_document.trust.json}');
    assert.equal(statements.length, 1);
    assert.ok(trust.effect === undefined || trust.effect === 'Allow');
    assert.deepEqual(trust.actions, ['sts:AssumeRole'], 'no TagSession, SetSourceIdentity or wildcard');
  });

  it('names only the given principal', () => {
    assert.deepEqual(trust.principals, [{ type: 'AWS', identifiers: ['${var.codeflow_principal_arn}'] }]);
    assert.equal(trust.not_principals, undefined);
    const principal = module.variables.codeflow_principal_arn!;
    assert.equal(principal.default, undefined, 'required');
  });

  it('requires the external id', () => {
    assert.deepEqual(conditions.find((c) => c.variable === 'sts:ExternalId'), { test: 'StringEquals', variable: 'sts:ExternalId', values: ['${var.external_id}'] });
    const externalId = module.variables.external_id!;
    assert.equal(externalId.sensitive, true);
    assert.equal(externalId.default, undefined, 'required: no default external id');
    assert.match(String((externalId.validation as Block[])[0]!.condition), /length\(var\.external_id\) >= 16/);
  });

  it('requires a session name Codeflow sets (codeflow-read, codeflow-<person>)', () => {
    const session = conditions.find((c) => c.variable === 'sts:RoleSessionName');
    assert.deepEqual(session, { test: 'StringLike', variable: 'sts:RoleSessionName', values: ['codeflow-*'] });
    assert.deepEqual(conditions.map((c) => c.variable).sort(), ['sts:ExternalId', 'sts:RoleSessionName']);
    const like = new RegExp(`^${session!.values[0]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    for (const name of ['codeflow-read', 'codeflow-alice', 'codeflow-alice.smith@example.com']) assert.match(name, like);
    for (const name of ['read', 'codeflowread', 'other-codeflow-read']) assert.doesNotMatch(name, like);
  });
});

describe('terraform module infrastructure/member-account-role', () => {
  it('declares every variable it uses, uses every variable it declares, and describes each', () => {
    const used = referencesOf(module, 'var');
    const declared = Object.keys(module.variables);
    assert.deepEqual([...used.keys()].filter((v) => !declared.includes(v)), [], 'undeclared variables');
    assert.deepEqual(declared.filter((v) => !used.has(v)), [], 'declared but unused variables');
    assert.deepEqual(declared.sort(), ['clusters', 'codeflow_principal_arn', 'external_id', 'max_session_duration', 'pass_role_arns', 'role_name', 'tags', 'variant']);
    for (const [name, v] of Object.entries(module.variables)) {
      assert.ok(typeof v.description === 'string' && v.description.length > 10, `variable ${name} needs a description`);
      assert.ok(v.type, `variable ${name} needs a type`);
    }
    assert.equal(module.locals.role_name, '${coalesce(var.role_name, local.operator ? "CodeflowOperator" : "CodeflowReadOnly")}');
  });

  it('pins Terraform and the AWS provider as infrastructure/aws-webapp does, and configures no provider itself', async () => {
    const webapp = await loadModule(join(MODULE_DIR, '..', 'aws-webapp'));
    const providers = (t: Block | undefined) => (t?.required_providers as Record<string, { version: string }>[])[0]!;
    assert.equal(module.terraform[0]!.required_version, webapp.terraform[0]!.required_version);
    assert.equal(providers(module.terraform[0]).aws!.version, providers(webapp.terraform[0]).aws!.version);
    assert.doesNotMatch(Object.values(module.sources).join('\n'), /^provider\s/m, 'the caller passes the member account\'s provider');
  });

  it('outputs the role ARN and the accounts entry in the config format the README documents', () => {
    assert.equal(module.outputs.role_arn!.value, '${aws_iam_role.this.arn}');
    const entry = module.outputs.accounts_entry!;
    assert.equal(entry.sensitive, true, 'it carries the external id');
    const value = String(entry.value);
    for (const key of ['id', 'role', 'readArn', 'operatorArn', 'externalId']) assert.match(value, new RegExp(`\\b${key} = `), `accounts_entry names ${key}`);
    // The sandbox's organisation plays the same shape: its member accounts have these keys.
    const staging = SANDBOX_ACCOUNTS.find((a) => a.operatorRole)!;
    assert.match(staging.readRole!, /:role\/CodeflowReadOnly$/);
    assert.match(staging.operatorRole!, /:role\/CodeflowOperator$/);
  });

  it('is formatted (terraform fmt -check)', (t) => {
    const fmt = spawnSync('terraform', ['fmt', '-check', '-diff', MODULE_DIR], { encoding: 'utf8' });
    if (fmt.error) return t.skip(`terraform is not on PATH (${fmt.error.message})`);
    assert.equal(fmt.status, 0, `terraform fmt would change:\n${fmt.stdout}${fmt.stderr}`);
  });
});

describe('the variables\' validations (terraform console: no provider needed; skipped without terraform)', () => {
  // Only variables.tf: the rest needs the AWS provider, which cannot be downloaded here.
  const dir = mkdtempSync(join(tmpdir(), 'member-role-vars-'));
  copyFileSync(join(MODULE_DIR, 'variables.tf'), join(dir, 'variables.tf'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const valid: Record<string, string> = {
    codeflow_principal_arn: 'arn:aws:iam::123456789012:role/codeflow-prod-task',
    external_id: SANDBOX_EXTERNAL_ID,
    variant: 'read-only',
  };
  /** null when terraform accepts the variables, else its error. The console exits 0 either way, so the error is read from its output. */
  function check(overrides: Record<string, string>): string | null {
    const vars = { ...valid, ...overrides };
    const args = ['console', '-no-color', ...Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`])];
    const run = spawnSync('terraform', args, { cwd: dir, input: 'var.variant\n', encoding: 'utf8', env: { ...process.env, TF_IN_AUTOMATION: '1' } });
    if (run.error) throw run.error;
    const output = `${run.stdout}${run.stderr}`;
    if (/Error: /.test(output) || run.status !== 0) return output;
    assert.equal(run.stdout.trim(), JSON.stringify(vars.variant), `terraform console answered:\n${output}`);
    return null;
  }
  const terraformMissing = spawnSync('terraform', ['version'], { encoding: 'utf8' }).error !== undefined;

  it('accepts a read-only role and an operator scoped to clusters and roles (the sandbox\'s external id included)', { skip: terraformMissing && 'terraform is not on PATH' }, () => {
    assert.equal(check({}), null);
    assert.equal(check({ variant: 'operator', clusters: '["codeflow-cluster", "arn:aws:ecs:us-east-1:210987654321:cluster/prod-*"]', pass_role_arns: '["arn:aws:iam::210987654321:role/*-task"]' }), null);
    assert.equal(check({ variant: 'operator', pass_role_arns: '[]', role_name: 'CodeflowDeployer', max_session_duration: '3600' }), null);
  });

  it('refuses what would weaken the trust or widen the grants', { skip: terraformMissing && 'terraform is not on PATH' }, () => {
    const refused: [string, Record<string, string>][] = [
      ['a principal with a wildcard', { codeflow_principal_arn: 'arn:aws:iam::123456789012:role/*' }],
      ['a whole account as the principal', { codeflow_principal_arn: 'arn:aws:iam::123456789012:root' }],
      ['a short external id', { external_id: 'fifteen-chars-x' }],
      ['an external id with characters STS refuses', { external_id: 'codeflow external id' }],
      ['an unknown variant', { variant: 'admin' }],
      ['a bare * to pass any role', { variant: 'operator', pass_role_arns: '["*"]' }],
      ['a cluster that is neither a name nor a cluster ARN', { variant: 'operator', clusters: '["arn:aws:ecs:us-east-1:210987654321:service/x/y"]' }],
      ['a session shorter than an hour', { max_session_duration: '900' }],
    ];
    for (const [what, overrides] of refused) {
      const error = check(overrides);
      assert.ok(error !== null, `terraform accepted ${what}`);
      assert.match(error, /Invalid value for variable/, `${what}: ${error}`);
    }
  });
});

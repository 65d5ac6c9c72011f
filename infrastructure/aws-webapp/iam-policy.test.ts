import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { STS_ACTIONS, actionsCalledBy, actionsInSource, classify, type Access } from './testing/aws-actions';
import { loadModule, MODULE_DIR, policyStatement } from './testing/hcl';

const LIB_AWS = join(MODULE_DIR, '..', '..', 'lib', 'aws');

/**
 * Actions granted ahead of the code that calls them: lib/aws calls being added on other branches
 * (guarded deployments, task-definition clean-up, backup status). Once the call is in lib/aws the
 * entry here is redundant (the test says so); remove it then. An entry whose call never lands is
 * an extra grant: remove it from iam.tf and from here.
 */
const PENDING: Record<string, Access> = {
  'ecs:StopServiceDeployment': 'write',
  'ecs:ContinueServiceDeployment': 'write',
  'ecs:DeregisterTaskDefinition': 'write',
  'ecs:ListTaskDefinitions': 'read',
  'ecs:DescribeServiceRevisions': 'read',
  'backup:ListRecoveryPointsByResource': 'read',
  'backup:ListRecoveryPointsByBackupVault': 'read',
  'backup:DescribeBackupVault': 'read',
};

/**
 * Writes that are part of auditing rather than changes to AWS: appending the audit log's anchors
 * (lib/audit/anchors.ts through lib/aws/logs.ts). They are granted by their own policy, scoped to the
 * anchor log group and attached even when enable_write_actions is off (audit.tf), not by CodeflowWrite.
 */
const AUDIT_ANCHOR_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

const WHERE: Record<Access, string> = {
  read: 'statement "CodeflowRead" of data.aws_iam_policy_document.codeflow_read in infrastructure/aws-webapp/iam.tf',
  write: 'statement "CodeflowWrite" of data.aws_iam_policy_document.codeflow_write in infrastructure/aws-webapp/iam.tf',
};

/** A failure message the integrator can act on without reading the test: what to add, what to remove, where. */
function difference(access: Access, expected: Set<string>, granted: Set<string>, calledFrom: Map<string, string>): string | null {
  const missing = [...expected].filter((a) => !granted.has(a)).sort();
  const extra = [...granted].filter((a) => !expected.has(a)).sort();
  if (missing.length === 0 && extra.length === 0) return null;
  const lines = [`The ${access} actions granted differ from what lib/aws calls (${WHERE[access]}):`];
  if (missing.length > 0) {
    lines.push(`  missing — add these to the statement:`);
    for (const a of missing) lines.push(`      "${a}",${calledFrom.has(a) ? `   // called in ${calledFrom.get(a)}` : '   // pending, see PENDING'}`);
  }
  if (extra.length > 0) {
    lines.push(`  extra — no code calls these; remove them (or add them to PENDING in infrastructure/aws-webapp/iam-policy.test.ts if a branch about to merge calls them):`);
    for (const a of extra) lines.push(`      "${a}",`);
  }
  return lines.join('\n');
}

describe('the task role grants exactly the AWS actions lib/aws calls', async () => {
  const module = await loadModule();
  const called = actionsCalledBy(LIB_AWS);
  const calledFrom = new Map<string, string>();
  for (const c of called) calledFrom.set(c.action, [calledFrom.get(c.action), c.file].filter(Boolean).join(', '));

  const expected: Record<Access, Set<string>> = { read: new Set(), write: new Set() };
  for (const c of called) if (!AUDIT_ANCHOR_ACTIONS.includes(c.action) && !STS_ACTIONS.has(c.action)) expected[c.access].add(c.action);
  for (const [action, access] of Object.entries(PENDING)) expected[access].add(action);

  const granted = (document: string, sid: string) => new Set((policyStatement(module, document, sid).actions as string[]) ?? []);

  it('finds the calls in lib/aws (the derivation itself works)', () => {
    // A few calls that have been there since the first version: if these vanish, the parser broke.
    for (const action of ['ecs:ListClusters', 'ecs:UpdateService', 'logs:FilterLogEvents', 'guardduty:ArchiveFindings']) {
      assert.ok(calledFrom.has(action), `expected lib/aws to call ${action}; found ${[...calledFrom.keys()].join(', ')}`);
    }
  });

  it('read statement = the read actions called', () => {
    const problem = difference('read', expected.read, granted('codeflow_read', 'CodeflowRead'), calledFrom);
    assert.equal(problem, null, problem ?? '');
  });

  it('write statement = the write actions called', () => {
    const problem = difference('write', expected.write, granted('codeflow_write', 'CodeflowWrite'), calledFrom);
    assert.equal(problem, null, problem ?? '');
  });

  it('reads and writes are in separate policies, and the write policy is the one enable_write_actions switches off', () => {
    const readPolicy = module.resources.aws_iam_role_policy?.codeflow_read;
    const writePolicy = module.resources.aws_iam_role_policy?.codeflow_write;
    assert.ok(readPolicy && writePolicy, 'aws_iam_role_policy.codeflow_read and .codeflow_write must exist');
    assert.equal(readPolicy.count, undefined, 'the read policy is always attached');
    assert.equal(readPolicy.policy, '${data.aws_iam_policy_document.codeflow_read.json}');
    assert.equal(writePolicy.count, '${var.enable_write_actions ? 1 : 0}');
    assert.equal(writePolicy.policy, '${data.aws_iam_policy_document.codeflow_write.json}');
    assert.equal(readPolicy.role, '${aws_iam_role.task.id}');
    assert.equal(writePolicy.role, '${aws_iam_role.task.id}');
    // No write action hides in the read policy (it would survive the read-only switch).
    const readStatements = (module.data.aws_iam_policy_document!.codeflow_read!.statement as { actions: string[] }[]) ?? [];
    const writes = readStatements.flatMap((s) => s.actions).filter((a) => classify(a) === 'write');
    assert.deepEqual(writes, [], `write actions in the read-only policy: ${writes.join(', ')}`);
  });

  it('appending audit anchors is granted on the anchor log group only, by a policy enable_write_actions does not switch off', () => {
    for (const action of AUDIT_ANCHOR_ACTIONS) assert.ok(calledFrom.has(action), `lib/aws no longer calls ${action}: remove it from AUDIT_ANCHOR_ACTIONS and audit.tf`);
    const anchors = policyStatement(module, 'codeflow_audit_anchors', 'AppendAuditAnchors');
    assert.deepEqual(anchors.actions, AUDIT_ANCHOR_ACTIONS);
    assert.deepEqual(anchors.resources, ['${aws_cloudwatch_log_group.audit_anchors.arn}:*']);
    const policy = module.resources.aws_iam_role_policy?.codeflow_audit_anchors;
    assert.ok(policy, 'aws_iam_role_policy.codeflow_audit_anchors must exist');
    assert.equal(policy.count, undefined, 'always attached');
    assert.equal(policy.role, '${aws_iam_role.task.id}');
    assert.equal(policy.policy, '${data.aws_iam_policy_document.codeflow_audit_anchors.json}');
    for (const action of AUDIT_ANCHOR_ACTIONS) assert.ok(!granted('codeflow_write', 'CodeflowWrite').has(action), `${action} must not be granted on every resource`);
  });

  it('iam:PassRole (needed to register a revision that keeps its roles) goes only to ECS tasks', () => {
    const passRole = policyStatement(module, 'codeflow_write', 'PassTaskRolesToEcs');
    assert.deepEqual(passRole.actions, ['iam:PassRole']);
    assert.equal(passRole.resources, '${var.passable_role_arns}');
    const [condition] = passRole.condition as { test: string; variable: string; values: string[] }[];
    assert.deepEqual(condition, { test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] });
  });

  it('assumes the member-account roles listed, exactly those, and nothing when none is listed', () => {
    const assume = policyStatement(module, 'assume_member_roles', 'AssumeMemberAccountRoles');
    assert.deepEqual(assume.actions, ['sts:AssumeRole']);
    assert.equal(assume.resources, '${var.member_account_roles}');
    assert.equal(assume.condition, undefined);
    const onlyWhenListed = '${length(var.member_account_roles) > 0 ? 1 : 0}';
    assert.equal(module.data.aws_iam_policy_document!.assume_member_roles!.count, onlyWhenListed, 'an empty list must not become a statement without resources');
    const policy = module.resources.aws_iam_role_policy?.assume_member_roles;
    assert.ok(policy, 'aws_iam_role_policy.assume_member_roles must exist');
    assert.equal(policy.count, onlyWhenListed);
    assert.equal(policy.role, '${aws_iam_role.task.id}');
    assert.equal(policy.policy, '${data.aws_iam_policy_document.assume_member_roles[0].json}');
    // Exact ARNs: a wildcard would let Codeflow assume any role that happens to trust it.
    const variable = module.variables.member_account_roles!;
    assert.deepEqual(variable.default, []);
    const [validation] = variable.validation as { condition: string }[];
    assert.ok(validation!.condition.includes(String.raw`:role/[\\w+=,.@/-]+$`), `role ARNs, no * or ? in them: ${validation!.condition}`);
    // No other permission statement grants an STS action (trust policies, with principals, are not permissions).
    for (const [name, doc] of Object.entries(module.data.aws_iam_policy_document ?? {})) {
      if (name === 'assume_member_roles') continue;
      const statements = ((doc.statement as { actions?: string[]; principals?: unknown }[] | undefined) ?? []).filter((st) => !st.principals);
      const actions = statements.flatMap((st) => st.actions ?? []);
      assert.ok(!actions.some((a) => a.startsWith('sts:')), `data.aws_iam_policy_document.${name} grants ${actions.filter((a) => a.startsWith('sts:')).join(', ')}`);
    }
  });

  it('PENDING lists only actions no code calls yet', (t) => {
    const landed = Object.keys(PENDING).filter((a) => calledFrom.has(a));
    if (landed.length > 0) t.diagnostic(`now called by lib/aws, so remove from PENDING: ${landed.join(', ')}`);
    for (const [action, access] of Object.entries(PENDING)) assert.equal(classify(action), access, `${action} is a ${classify(action)} action`);
  });
});

describe('deriving actions from source', () => {
  it('maps imported SDK commands to IAM actions, aliases included, and ignores other constructors', () => {
    const source = `
      import { ListClustersCommand, UpdateServiceCommand as Update, type Service } from '@aws-sdk/client-ecs';
      import { StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
      class LocalCommand {}
      await send(c, new ListClustersCommand({}));
      await send(c, new Update({ service: 's' }));
      await send(c, new StartQueryCommand({}));
      new LocalCommand(); new Map();`;
    assert.deepEqual(
      actionsInSource(source, 'x.ts').map((a) => `${a.action}/${a.access}`),
      ['ecs:ListClusters/read', 'ecs:UpdateService/write', 'logs:StartQuery/read'],
    );
  });

  it('refuses an SDK client it has no IAM prefix for, naming where to add it', () => {
    const source = `import { ListBucketsCommand } from '@aws-sdk/client-s3';\nnew ListBucketsCommand({});`;
    assert.throws(() => actionsInSource(source, 'lib/aws/s3.ts'), /client-s3: add its IAM service prefix to IAM_PREFIX/);
  });

  it('classifies by verb and refuses an unknown verb', () => {
    assert.equal(classify('ecs:DescribeServices'), 'read');
    assert.equal(classify('backup:ListRecoveryPointsByResource'), 'read');
    assert.equal(classify('ecs:StopServiceDeployment'), 'write');
    assert.equal(classify('logs:StopQuery'), 'read');
    assert.equal(classify('guardduty:UnarchiveFindings'), 'write');
    assert.throws(() => classify('ecs:Listen'), /cannot tell/, 'a verb is a whole word: "Listen" is not "List"');
    assert.throws(() => classify('ecs:FrobnicateThings'), /cannot tell whether ecs:FrobnicateThings reads or writes/);
  });
});

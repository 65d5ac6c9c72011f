import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

/**
 * Guarded actions' AWS commands with the real AWS CLI against the sandbox: revisions, forced
 * deployments, StopServiceDeployment and a BLUE_GREEN deployment paused at its hook. CLI v1
 * builds may predate the newest ECS commands; each test skips, saying which command is missing.
 */
const available = await awsCliAvailable();
const ecsHelp = available ? await promisify(execFile)('aws', ['ecs', 'help'], { env: { ...process.env, AWS_PAGER: '' }, maxBuffer: 8 * 1024 * 1024 }).then((r) => r.stdout.replace(/.\x08/g, ''), () => '') : '';
const missing = (...commands: string[]) => commands.filter((c) => !ecsHelp.includes(c));

function needs(t: TestContext, ...commands: string[]): boolean {
  const absent = missing(...commands);
  if (absent.length === 0) return true;
  const reason = `this AWS CLI has no \`aws ecs ${absent.join('`, `aws ecs ')}\``;
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
  return false;
}

describe('AWS CLI against the sandbox: guarded actions', { skip: available ? false : AWS_CLI_MISSING, timeout: 180_000 }, () => {
  let running: RunningSandbox;
  let aws: (...args: string[]) => Promise<any>;
  let awsFails: (...args: string[]) => Promise<string>;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T00:00:00Z') });
    ({ aws, awsFails } = awsCli(running.url));
  });
  after(() => running?.close());

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });

  it('list-task-definitions --family-prefix lists one family, newest first with --sort DESC; deregister-task-definition keeps the revision', async (t) => {
    if (!needs(t, 'list-task-definitions', 'deregister-task-definition')) return;
    const asc = await aws('ecs', 'list-task-definitions', '--family-prefix', 'payments-api');
    const revisions = asc.taskDefinitionArns.map((a: string) => Number(a.split(':').pop()));
    assert.ok(revisions.length >= 2);
    assert.ok(asc.taskDefinitionArns.every((a: string) => /task-definition\/payments-api:\d+$/.test(a)));
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b));
    const desc = await aws('ecs', 'list-task-definitions', '--family-prefix', 'payments-api', '--sort', 'DESC');
    assert.deepEqual(desc.taskDefinitionArns, [...asc.taskDefinitionArns].reverse());

    const out = await aws('ecs', 'deregister-task-definition', '--task-definition', 'payments-api:1');
    assert.equal(out.taskDefinition.status, 'INACTIVE');
    assert.ok(out.taskDefinition.deregisteredAt);
    const inactive = await aws('ecs', 'list-task-definitions', '--family-prefix', 'payments-api', '--status', 'INACTIVE');
    assert.deepEqual(inactive.taskDefinitionArns.map((a: string) => a.split('/').pop()), ['payments-api:1']);
    const described = await aws('ecs', 'describe-task-definition', '--task-definition', 'payments-api:1');
    assert.equal(described.taskDefinition.status, 'INACTIVE');
    assert.match(await awsFails('ecs', 'deregister-task-definition', '--task-definition', 'payments-api'), /ClientException/);
    assert.match(await awsFails('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'payments-api', '--task-definition', 'payments-api:1'), /ClientException.*inactive/i);
  });

  it('update-service --force-new-deployment replaces the tasks with the same revision', async (t) => {
    if (!needs(t, 'update-service')) return;
    const before = await aws('ecs', 'list-tasks', '--cluster', 'codeflow-cluster', '--service-name', 'auth-gateway');
    const out = await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'auth-gateway', '--force-new-deployment');
    assert.equal(out.service.deployments.length, 2);
    assert.equal(out.service.deployments[0].taskDefinition, out.service.deployments[1].taskDefinition);
    await advance(180);
    await aws('ecs', 'wait', 'services-stable', '--cluster', 'codeflow-cluster', '--services', 'auth-gateway');
    const after = await aws('ecs', 'list-tasks', '--cluster', 'codeflow-cluster', '--service-name', 'auth-gateway');
    assert.equal(after.taskArns.length, before.taskArns.length);
    assert.ok(after.taskArns.every((a: string) => !before.taskArns.includes(a)));
    assert.match(await awsFails('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'auth-gateway', '--desired-count', '-1'), /InvalidParameterException/);
  });

  it('stop-service-deployment --stop-type ROLLBACK rolls back; repeating it is harmless; a finished one is a ConflictException', async (t) => {
    if (!needs(t, 'stop-service-deployment', 'list-service-deployments', 'describe-service-deployments')) return;
    const before = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-worker');
    const td = await aws('ecs', 'describe-task-definition', '--task-definition', before.services[0].taskDefinition);
    const container = { ...td.taskDefinition.containerDefinitions[0], image: `${td.taskDefinition.containerDefinitions[0].image.split(':')[0]}:v1.5.0` };
    const registered = await aws('ecs', 'register-task-definition', '--family', 'codeflow-worker', '--container-definitions', JSON.stringify([container]), '--cpu', '256', '--memory', '512', '--network-mode', 'awsvpc', '--requires-compatibilities', 'FARGATE');
    await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-worker', '--task-definition', registered.taskDefinition.taskDefinitionArn);
    await advance(5);
    const list = await aws('ecs', 'list-service-deployments', '--cluster', 'codeflow-cluster', '--service', 'codeflow-worker');
    const arn = list.serviceDeployments[0].serviceDeploymentArn;
    assert.equal(list.serviceDeployments[0].status, 'IN_PROGRESS');

    const stopped = await aws('ecs', 'stop-service-deployment', '--service-deployment-arn', arn, '--stop-type', 'ROLLBACK');
    assert.equal(stopped.serviceDeploymentArn, arn);
    const again = await aws('ecs', 'stop-service-deployment', '--service-deployment-arn', arn, '--stop-type', 'ROLLBACK');
    assert.equal(again.serviceDeploymentArn, arn);
    await advance(180);
    const described = await aws('ecs', 'describe-service-deployments', '--service-deployment-arns', arn);
    assert.equal(described.serviceDeployments[0].status, 'ROLLBACK_SUCCESSFUL');
    assert.ok(described.serviceDeployments[0].rollback.serviceRevisionArn);
    const after = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-worker');
    assert.equal(after.services[0].taskDefinition, before.services[0].taskDefinition);
    assert.match(await awsFails('ecs', 'stop-service-deployment', '--service-deployment-arn', arn, '--stop-type', 'ROLLBACK'), /ConflictException/);
    assert.match(await awsFails('ecs', 'stop-service-deployment', '--service-deployment-arn', `${arn}x`), /ServiceDeploymentNotFoundException/);
  });

  it('a BLUE_GREEN deployment of checkout-api pauses at its hook until continue-service-deployment', async (t) => {
    if (!needs(t, 'describe-service-deployments', 'continue-service-deployment')) return;
    const svc = await aws('ecs', 'describe-services', '--cluster', 'codeflow-staging', '--services', 'checkout-api');
    assert.equal(svc.services[0].deploymentConfiguration.strategy, 'BLUE_GREEN');
    assert.ok(svc.services[0].loadBalancers[0].advancedConfiguration.alternateTargetGroupArn);
    await aws('ecs', 'update-service', '--cluster', 'codeflow-staging', '--service', 'checkout-api', '--force-new-deployment');
    const arn = (await aws('ecs', 'list-service-deployments', '--cluster', 'codeflow-staging', '--service', 'checkout-api')).serviceDeployments[0].serviceDeploymentArn;
    await advance(240);
    const paused = (await aws('ecs', 'describe-service-deployments', '--service-deployment-arns', arn)).serviceDeployments[0];
    assert.equal(paused.lifecycleStage, 'POST_TEST_TRAFFIC_SHIFT');
    const hook = paused.lifecycleHookDetails.find((h: { status: string }) => h.status === 'AWAITING_ACTION');
    assert.ok(hook, 'a hook awaits action');
    assert.match(await awsFails('ecs', 'continue-service-deployment', '--service-deployment-arn', arn, '--hook-id', 'ecs-hook-nope'), /InvalidParameterException/);
    await aws('ecs', 'continue-service-deployment', '--service-deployment-arn', arn, '--hook-id', hook.hookId, '--action', 'CONTINUE');
    await advance(400);
    const done = (await aws('ecs', 'describe-service-deployments', '--service-deployment-arns', arn)).serviceDeployments[0];
    assert.equal(done.status, 'SUCCESSFUL');
  });
});

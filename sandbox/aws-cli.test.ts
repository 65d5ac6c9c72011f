import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

/** The deployment guide's commands, run with the real AWS CLI against the sandbox. */
const available = await awsCliAvailable();

describe('AWS CLI against the sandbox (guide §3.3, §6.5)', { skip: available ? false : AWS_CLI_MISSING }, () => {
  let running: RunningSandbox;
  let aws: (...args: string[]) => Promise<any>;
  let awsFails: (...args: string[]) => Promise<string>;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T00:00:00Z') });
    ({ aws, awsFails } = awsCli(running.url));
  });
  after(() => running?.close());

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });

  it('describe-services shows codeflow-service with its deployment', async () => {
    const out = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-service');
    const service = out.services[0];
    assert.equal(service.serviceName, 'codeflow-service');
    assert.equal(service.runningCount, 3);
    assert.equal(service.deployments.length, 1);
    assert.match(service.taskDefinition, /task-definition\/codeflow:1$/);
  });

  it('register-task-definition, update-service, wait services-stable, then roll back (guide §3.3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeflow-cli-'));
    const file = join(dir, 'task-definition.json');
    writeFileSync(file, JSON.stringify({
      family: 'codeflow',
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [{ name: 'codeflow', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0', essential: true, portMappings: [{ containerPort: 3000 }] }],
    }));
    const registered = await aws('ecs', 'register-task-definition', '--cli-input-json', `file://${file}`);
    assert.equal(registered.taskDefinition.taskDefinitionArn.endsWith('codeflow:2'), true);

    const updated = await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', 'codeflow:2');
    assert.equal(updated.service.deployments[0].rolloutState, 'IN_PROGRESS');
    await advance(180);
    await aws('ecs', 'wait', 'services-stable', '--cluster', 'codeflow-cluster', '--services', 'codeflow-service');
    const stable = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-service');
    assert.match(stable.services[0].taskDefinition, /codeflow:2$/);
    assert.equal(stable.services[0].deployments[0].rolloutState, 'COMPLETED');

    await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', 'codeflow:1');
    await advance(180);
    const rolledBack = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-service');
    assert.match(rolledBack.services[0].taskDefinition, /codeflow:1$/);
    assert.equal(rolledBack.services[0].runningCount, 3);
  });

  it('a bad image fails its rollout and the circuit breaker rolls it back', async () => {
    const registered = await aws('ecs', 'register-task-definition', '--family', 'codeflow', '--container-definitions', JSON.stringify([{ name: 'codeflow', image: 'registry.example/codeflow:v9-bad', essential: true }]));
    const revision = registered.taskDefinition.revision;
    await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', `codeflow:${revision}`);
    await advance(60);
    const out = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-service');
    const failed = out.services[0].deployments.find((d: { taskDefinition: string }) => d.taskDefinition.endsWith(`codeflow:${revision}`));
    assert.equal(failed?.rolloutState, 'FAILED');
    assert.ok(out.services[0].events.some((e: { message: string }) => e.message.includes('rolling back')));
    assert.match(out.services[0].deployments[0].taskDefinition, /codeflow:1$/, 'the rollback deployment returns to the last completed revision');
    await advance(120);
    const after = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'codeflow-service');
    assert.equal(after.services[0].deployments.length, 1);
    assert.equal(after.services[0].deployments[0].rolloutState, 'COMPLETED');
    const stopped = await aws('ecs', 'list-tasks', '--cluster', 'codeflow-cluster', '--service-name', 'codeflow-service', '--desired-status', 'STOPPED');
    const tasks = await aws('ecs', 'describe-tasks', '--cluster', 'codeflow-cluster', '--tasks', ...stopped.taskArns.slice(0, 3));
    assert.ok(tasks.tasks.some((t: { stoppedReason: string; containers: { exitCode: number }[] }) => t.stoppedReason === 'Essential container in task exited' && t.containers[0]!.exitCode === 1));
  });

  it('scales with update-service --desired-count (guide §6.5)', async () => {
    await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'payments-api', '--desired-count', '5');
    await advance(60);
    const out = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'payments-api');
    assert.equal(out.services[0].desiredCount, 5);
    assert.equal(out.services[0].runningCount, 5);
  });

  it('describe-listeners and modify-listener switch blue to green (guide §3.3)', async () => {
    const lbs = await aws('elbv2', 'describe-load-balancers', '--names', 'codeflow-alb');
    const listeners = await aws('elbv2', 'describe-listeners', '--load-balancer-arn', lbs.LoadBalancers[0].LoadBalancerArn);
    const https = listeners.Listeners.find((l: { Port: number }) => l.Port === 443);
    const green = await aws('elbv2', 'describe-target-groups', '--names', 'codeflow-green');
    const greenArn = green.TargetGroups[0].TargetGroupArn;
    const modified = await aws('elbv2', 'modify-listener', '--listener-arn', https.ListenerArn, '--default-actions', `Type=forward,TargetGroupArn=${greenArn}`);
    assert.equal(modified.Listeners[0].DefaultActions[0].TargetGroupArn, greenArn);
    const health = await aws('elbv2', 'describe-target-health', '--target-group-arn', greenArn);
    assert.deepEqual(health.TargetHealthDescriptions, []);
  });

  it('answers bad requests with the AWS error a real service gives', async () => {
    assert.match(await awsFails('ecs', 'describe-services', '--cluster', 'no-such-cluster', '--services', 'x'), /ClusterNotFoundException/);
    assert.match(await awsFails('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'no-such-service', '--desired-count', '1'), /ServiceNotFoundException/);
    assert.match(await awsFails('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', 'codeflow:999'), /InvalidParameterException/);
    assert.match(await awsFails('elbv2', 'describe-target-health', '--target-group-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/none/0'), /TargetGroupNotFound/);
    const missing = await aws('ecs', 'describe-services', '--cluster', 'codeflow-cluster', '--services', 'ghost');
    assert.equal(missing.failures[0].reason, 'MISSING');
  });
});

/**
 * The same lib/aws calls against moto (an independent AWS emulator) and the Codeflow sandbox,
 * so the sandbox cannot drift from AWS's shapes. Assertions are about shapes and semantics
 * (counts, pagination, batching, error codes), never exact values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { startSandbox } from '../../sandbox/server';
import { isAppError, type AppErrorCode } from '../errors';
import { parseTaskDefinitionArn } from './arn';
import type { AwsClients } from './client';
import {
  describeClusters,
  describeServiceDeployments,
  describeServices,
  describeTaskDefinition,
  describeTasks,
  listClusterArns,
  listServiceArns,
  listServiceDeployments,
  listTaskArns,
  listTaskDefinitionRevisions,
  registerTaskDefinition,
  stopServiceDeployment,
  updateService,
} from './ecs';
import {
  describeListeners,
  describeLoadBalancers,
  describeTargetGroups,
  describeTargetHealth,
  modifyListenerForward,
} from './elbv2';
import {
  createBlueGreen,
  createCluster,
  createServices,
  registerAppTaskDefinition,
  runTasks,
  SECRET_ENV_VALUE,
  testClients,
} from './testing/fixtures';
import { findMotoServer, freePort, startMoto, type MotoServer } from './testing/moto';

interface ContractTarget {
  aws: AwsClients;
  /** A cluster holding `service`, which sits behind a blue/green listener. */
  cluster: string;
  service: string;
  /** A cluster with more than 100 services, when the target can have one. */
  bigCluster: { name: string; count: number } | null;
  /** Why a check cannot run on this target (operation not implemented), keyed by check. */
  lacks: Partial<Record<'ServiceDeployments' | 'DeploymentOnUpdate' | 'BigCluster' | 'StopServiceDeployment', string>>;
  close(): Promise<void>;
}

const BIG = 105;

function contractSuite(name: string, setup: () => Promise<ContractTarget>): void {
  describe(`lib/aws contract: ${name}`, { timeout: 180_000 }, () => {
    let target: ContractTarget;
    before(async () => {
      target = await setup();
    });
    after(async () => {
      await target?.close();
    });

    it('lists clusters and describes them', async () => {
      const arns = await collect(listClusterArns(target.aws));
      assert.ok(arns.some((a) => a.endsWith(`/${target.cluster}`)), `ListClusters includes ${target.cluster}`);
      const [cluster] = await describeClusters(target.aws, [target.cluster]);
      assert.ok(cluster);
      assert.equal(cluster.name, target.cluster);
      assert.match(cluster.arn, /^arn:aws:ecs:[a-z0-9-]+:\d{12}:cluster\//);
      for (const n of [cluster.activeServicesCount, cluster.runningTasksCount, cluster.pendingTasksCount]) assert.equal(typeof n, 'number');
      assert.deepEqual(await describeClusters(target.aws, ['codeflow-no-such-cluster']), [], 'unknown clusters are failures, not errors');
    });

    it('paginates ListServices past 100 and batches DescribeServices by 10', async (t) => {
      if (!target.bigCluster) return skip(t, target.lacks.BigCluster);
      const { name, count } = target.bigCluster;
      const arns = await collect(listServiceArns(target.aws, name));
      assert.equal(arns.length, count);
      assert.equal(new Set(arns).size, count, 'no page repeated');

      const some = await describeServices(target.aws, name, arns.slice(0, 23));
      assert.equal(some.length, 23);
      assert.deepEqual(new Set(some.map((s) => s.arn)), new Set(arns.slice(0, 23)));

      const all = await describeServices(target.aws, name, arns);
      assert.equal(all.length, count);
    });

    it('describes a service in the domain shape', async () => {
      const [service] = await describeServices(target.aws, target.cluster, [target.service]);
      assert.ok(service);
      assert.equal(service.name, target.service);
      assert.match(service.arn, /^arn:aws:ecs:.*:service\//);
      assert.ok(parseTaskDefinitionArn(service.taskDefinitionArn), 'task definition ARN has family:revision');
      assert.ok(service.deployments.some((d) => d.status === 'PRIMARY'), 'one PRIMARY deployment');
      for (const d of service.deployments) {
        assert.equal(typeof d.desiredCount, 'number');
        assert.equal(typeof d.failedTasks, 'number');
        assert.ok(d.createdAt === null || !Number.isNaN(Date.parse(d.createdAt)));
        assert.ok(d.rolloutState === null || ['IN_PROGRESS', 'COMPLETED', 'FAILED'].includes(d.rolloutState));
      }
      assert.ok(service.loadBalancers.length >= 1, 'the service is behind a target group');
      assert.ok(Array.isArray(service.events));
    });

    it('maps missing services and clusters to not_found', async () => {
      await assertAppError(describeServices(target.aws, target.cluster, ['codeflow-no-such-service']), 'not_found', /Service "codeflow-no-such-service" was not found in cluster/);
      await assertAppError(describeServices(target.aws, 'codeflow-no-such-cluster', [target.service]), 'not_found', /Cluster "codeflow-no-such-cluster" was not found/);
      await assertAppError(collect(listServiceArns(target.aws, 'codeflow-no-such-cluster')), 'not_found', /Cluster/);
      const several = await describeServices(target.aws, target.cluster, [target.service, 'codeflow-no-such-service']);
      assert.equal(several.length, 1, 'with several asked for, missing ones are left out');
    });

    it('describes task definitions without leaking environment values', async () => {
      const [service] = await describeServices(target.aws, target.cluster, [target.service]);
      const td = await describeTaskDefinition(target.aws, service!.taskDefinitionArn);
      assert.equal(td.arn, service!.taskDefinitionArn);
      assert.ok(td.containers.length >= 1);
      for (const c of td.containers) {
        assert.ok(c.image.length > 0);
        assert.ok(Array.isArray(c.environmentNames) && Array.isArray(c.secretNames));
      }
      const json = JSON.stringify(td);
      assert.doesNotMatch(json, new RegExp(SECRET_ENV_VALUE));
      assert.doesNotMatch(json, /"value(From)?"/);
      await assertAppError(describeTaskDefinition(target.aws, 'codeflow-no-such-family:1'), ['not_found', 'invalid']);
    });

    it('registers a new revision that differs only in its image, and deploys it', async (t) => {
      const [service] = await describeServices(target.aws, target.cluster, [target.service]);
      const base = await describeTaskDefinition(target.aws, service!.taskDefinitionArn);
      const container = base.containers.find((c) => c.essential) ?? base.containers[0]!;
      const next = await registerTaskDefinition(target.aws, { baseTaskDefinitionArn: base.arn, images: { [container.name]: 'public.ecr.aws/nginx/nginx:contract' } });
      assert.equal(next.family, base.family);
      assert.ok(next.revision > base.revision);
      assert.equal(next.containers.find((c) => c.name === container.name)?.image, 'public.ecr.aws/nginx/nginx:contract');
      assert.deepEqual(next.containers.map((c) => c.environmentNames), base.containers.map((c) => c.environmentNames));

      // The copy must keep the environment VALUES too (read with the SDK: lib/aws never returns them).
      const raw = async (arn: string) => (await target.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.containerDefinitions;
      assert.deepEqual((await raw(next.arn))?.map((c) => c.environment ?? []), (await raw(base.arn))?.map((c) => c.environment ?? []));

      await assertAppError(registerTaskDefinition(target.aws, { baseTaskDefinitionArn: base.arn, images: { 'no-such-container': 'x' } }), 'invalid');

      const updated = await updateService(target.aws, { cluster: target.cluster, service: target.service, taskDefinition: next.arn });
      assert.equal(updated.taskDefinitionArn, next.arn);
      if (target.lacks.DeploymentOnUpdate) return skip(t, target.lacks.DeploymentOnUpdate);
      assert.equal(updated.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn, next.arn);
    });

    it('lists a family\'s revisions newest first and keeps deregistered ones, INACTIVE', async () => {
      const [service] = await describeServices(target.aws, target.cluster, [target.service]);
      const family = parseTaskDefinitionArn(service!.taskDefinitionArn)!.family;
      const base = await describeTaskDefinition(target.aws, service!.taskDefinitionArn);
      const container = base.containers[0]!;
      const extra = await registerTaskDefinition(target.aws, { baseTaskDefinitionArn: base.arn, images: { [container.name]: 'public.ecr.aws/nginx/nginx:revisions' } });
      const revisions = await listTaskDefinitionRevisions(target.aws, family);
      assert.ok(revisions.length >= 2);
      assert.equal(revisions[0]!.arn, extra.arn, 'newest first');
      assert.deepEqual(revisions.map((r) => r.revision), [...revisions.map((r) => r.revision)].sort((a, b) => b - a));
      assert.ok(revisions.every((r) => r.family === family && r.arn.endsWith(`:${r.revision}`)));
      assert.equal((await listTaskDefinitionRevisions(target.aws, family, { max: 1 })).length, 1);
      assert.deepEqual(await listTaskDefinitionRevisions(target.aws, 'codeflow-no-such-family'), []);

      await target.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: extra.arn }));
      assert.ok(!(await listTaskDefinitionRevisions(target.aws, family)).some((r) => r.arn === extra.arn), 'no longer ACTIVE');
      assert.ok((await listTaskDefinitionRevisions(target.aws, family, { status: 'INACTIVE' })).some((r) => r.arn === extra.arn), 'listed as INACTIVE');
      assert.equal((await describeTaskDefinition(target.aws, extra.arn)).status, 'INACTIVE', 'still describable');
    });

    it('forces a new deployment of the same revision', async (t) => {
      const [before] = await describeServices(target.aws, target.cluster, [target.service]);
      const updated = await updateService(target.aws, { cluster: target.cluster, service: target.service, forceNewDeployment: true });
      assert.equal(updated.taskDefinitionArn, before!.taskDefinitionArn);
      assert.equal(updated.desiredCount, before!.desiredCount, 'nothing else changes');
      if (target.lacks.DeploymentOnUpdate) return skip(t, target.lacks.DeploymentOnUpdate);
      assert.ok(updated.deployments.length >= 2, 'a new PRIMARY beside the old one');
      assert.equal(updated.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn, before!.taskDefinitionArn);
    });

    it('stops a deployment with ROLLBACK, and refuses to stop a finished one', async (t) => {
      if (target.lacks.StopServiceDeployment) return skip(t, target.lacks.StopServiceDeployment);
      const [record] = await listServiceDeployments(target.aws, target.cluster, target.service);
      assert.ok(record);
      if (record.status === 'IN_PROGRESS') {
        const out = await stopServiceDeployment(target.aws, record.arn, { stopType: 'ROLLBACK' });
        assert.equal(out.serviceDeploymentArn, record.arn);
        const [after] = await describeServiceDeployments(target.aws, [record.arn]);
        assert.ok(after && ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL'].includes(after.status), `status ${after?.status}`);
      }
      const finished = (await listServiceDeployments(target.aws, target.cluster, target.service)).find((r) => r.status === 'SUCCESSFUL' || r.status === 'STOPPED');
      if (finished) await assertAppError(stopServiceDeployment(target.aws, finished.arn, { stopType: 'ABORT' }), 'conflict');
    });

    it('lists and describes tasks', async () => {
      const running = await collect(listTaskArns(target.aws, target.cluster, { desiredStatus: 'RUNNING' }));
      assert.ok(running.length >= 1, 'some tasks are running');
      const tasks = await describeTasks(target.aws, target.cluster, running);
      assert.equal(tasks.length, running.length, 'DescribeTasks batches by 100');
      for (const task of tasks) {
        assert.ok(task.arn && task.id && !task.id.includes('/'));
        assert.equal(task.desiredStatus, 'RUNNING');
        assert.ok(parseTaskDefinitionArn(task.taskDefinitionArn));
        assert.ok(Array.isArray(task.containers));
      }
      const stopped = await collect(listTaskArns(target.aws, target.cluster, { desiredStatus: 'STOPPED' }));
      assert.ok(Array.isArray(stopped));
    });

    it('reads the blue/green listener, target groups and target health', async () => {
      const { listener, targetGroupArn } = await blueGreenOf(target);
      assert.ok(listener.forwards.length >= 1);
      assert.ok(listener.forwards.every((f) => Number.isInteger(f.weight) && f.weight >= 0));
      assert.ok(listener.forwards.some((f) => f.targetGroupArn === targetGroupArn));

      const [lb] = await describeLoadBalancers(target.aws, [listener.loadBalancerArn]);
      assert.ok(lb);
      assert.equal(lb.arn, listener.loadBalancerArn);
      assert.ok(lb.dnsName);

      const groups = await describeTargetGroups(target.aws, { loadBalancerArn: listener.loadBalancerArn });
      for (const f of listener.forwards) assert.ok(groups.some((g) => g.arn === f.targetGroupArn), 'every forwarded group belongs to the load balancer');
      const [byArn] = await describeTargetGroups(target.aws, { arns: [targetGroupArn] });
      assert.equal(byArn?.arn, targetGroupArn);
      assert.ok(byArn?.name);

      const health = await describeTargetHealth(target.aws, targetGroupArn);
      for (const h of health) {
        assert.ok(h.targetId);
        assert.ok(['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable'].includes(h.state), `state ${h.state}`);
      }
      const fake = targetGroupArn.replace(/\/[0-9a-f]+$/, '/0000000000000000');
      await assertAppError(describeTargetHealth(target.aws, fake), 'not_found');
    });

    it('switches listener weights (blue → green) and reads them back', async () => {
      const { listener } = await blueGreenOf(target);
      const flipped = listener.forwards.map((f, i, all) => ({ targetGroupArn: f.targetGroupArn, weight: all.length === 1 ? 1 : i === all.length - 1 ? 100 : 0 }));
      const updated = await modifyListenerForward(target.aws, listener.arn, flipped);
      assert.deepEqual(updated.forwards, flipped);
      const reread = (await describeListeners(target.aws, listener.loadBalancerArn)).find((l) => l.arn === listener.arn);
      assert.deepEqual(reread?.forwards, flipped);
      await modifyListenerForward(target.aws, listener.arn, listener.forwards);
    });

    it('reads the deployment history', async (t) => {
      if (target.lacks.ServiceDeployments) return skip(t, target.lacks.ServiceDeployments);
      const records = await listServiceDeployments(target.aws, target.cluster, target.service);
      assert.ok(records.length >= 1);
      for (const r of records) {
        assert.match(r.arn, /^arn:aws:ecs:/);
        assert.ok(r.status);
      }
      const described = await describeServiceDeployments(target.aws, records.map((r) => r.arn));
      assert.deepEqual(new Set(described.map((r) => r.arn)), new Set(records.map((r) => r.arn)));
    });
  });
}

async function blueGreenOf(target: ContractTarget) {
  const [service] = await describeServices(target.aws, target.cluster, [target.service]);
  const targetGroupArn = service!.loadBalancers[0]!.targetGroupArn;
  const [group] = await describeTargetGroups(target.aws, { arns: [targetGroupArn] });
  assert.ok(group && group.loadBalancerArns.length >= 1, 'the target group is attached to a load balancer');
  const listeners = await describeListeners(target.aws, group.loadBalancerArns[0]!);
  const listener = listeners.find((l) => l.forwards.some((f) => f.targetGroupArn === targetGroupArn));
  assert.ok(listener, 'a listener forwards to the service target group');
  return { listener, targetGroupArn };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function assertAppError(p: Promise<unknown>, code: AppErrorCode | AppErrorCode[], message?: RegExp): Promise<void> {
  const codes = Array.isArray(code) ? code : [code];
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    assert.ok(codes.includes(e.code), `expected ${codes.join('|')}, got ${e.code}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function skip(t: TestContext, reason: string | undefined): void {
  t.skip(reason ?? 'not supported by this target');
}

const motoBin = findMotoServer();
if (!motoBin) {
  describe('lib/aws contract: moto', () => {
    it('moto_server is not on PATH: the moto contract suite was NOT run', (t) => t.skip('moto_server not found on PATH'));
  });
} else {
  contractSuite('moto', async () => {
    const moto: MotoServer = await startMoto(motoBin);
    const aws = testClients(moto.endpoint);
    const cluster = 'contract-cluster';
    const service = 'contract-service';
    const big = 'contract-big';
    await createCluster(aws, cluster);
    await createCluster(aws, big);
    const td = await registerAppTaskDefinition(aws, 'contract-app');
    const bg = await createBlueGreen(aws, moto.endpoint, 'contract');
    await createServices(aws, cluster, [service], td, { desiredCount: 2, targetGroupArn: bg.blueArn });
    await createServices(aws, big, Array.from({ length: BIG }, (_, i) => `svc-${String(i).padStart(3, '0')}`), td);
    // moto does not start tasks for services; RunTask gives DescribeTasks something to batch (>100).
    await runTasks(aws, cluster, td, BIG, 'contract');
    return {
      aws,
      cluster,
      service,
      bigCluster: { name: big, count: BIG },
      lacks: {
        ServiceDeployments: 'moto does not implement ListServiceDeployments / DescribeServiceDeployments',
        DeploymentOnUpdate: 'moto does not start a new PRIMARY deployment on UpdateService',
        StopServiceDeployment: 'moto does not implement StopServiceDeployment',
      },
      close: () => moto.stop(),
    };
  });
}

contractSuite('sandbox', async () => {
  // A fleet of 200 puts well over 100 services in codeflow-cluster, so pagination runs here too.
  const running = await startSandbox({ port: await freePort(), seed: 42, speed: 0, fleetSize: 200 });
  const aws = testClients(running.url);
  const bigCount = running.sandbox.world.clusters.get('codeflow-cluster')!.services.size;
  return { aws, cluster: 'codeflow-cluster', service: 'codeflow-service', bigCluster: { name: 'codeflow-cluster', count: bigCount }, lacks: {}, close: () => running.close() };
});

/** The fleet read models against moto: real SDK calls, counted, so caching and batching claims are checked. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../errors';
import { describeTasks, listTaskArns } from '../aws/ecs';
import type { AwsClients } from '../aws/client';
import {
  countCalls,
  createBlueGreen,
  createCluster,
  createServices,
  registerAppTaskDefinition,
  runTasks,
  stopTask,
  testClients,
  type BlueGreen,
} from '../aws/testing/fixtures';
import { findMotoServer, freePort, startMoto, type MotoServer } from '../aws/testing/moto';
import { createFleetContext, type FleetContext } from './context';
import { getFleetOverview } from './overview';
import { getServiceDetail } from './service-detail';
import { getClusterSnapshot } from './snapshot';

const motoBin = findMotoServer();

describe('lib/fleet against moto', { skip: motoBin ? false : 'moto_server not on PATH: the lib/fleet moto integration suite was NOT run', timeout: 120_000 }, () => {
  let moto: MotoServer;
  let aws: AwsClients;
  let bg: BlueGreen;
  const names = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

  before(async () => {
    moto = await startMoto(motoBin as string);
    aws = testClients(moto.endpoint);
    await createCluster(aws, 'fleet-a');
    await createCluster(aws, 'fleet-b');
    const td = await registerAppTaskDefinition(aws, 'fleet-app', 'nginx:1.27');
    bg = await createBlueGreen(aws, moto.endpoint, 'fleet');
    await createServices(aws, 'fleet-a', ['web'], td, { desiredCount: 2, targetGroupArn: bg.blueArn });
    await createServices(aws, 'fleet-a', names.slice(1), td);
    await createServices(aws, 'fleet-b', ['api', 'worker'], td);
    await runTasks(aws, 'fleet-a', td, 3, 'fleet-test');
    const [first] = await collect(listTaskArns(aws, 'fleet-a', { desiredStatus: 'RUNNING' }));
    await stopTask(aws, 'fleet-a', first as string);
  });

  after(async () => {
    await moto?.stop();
  });

  function freshContext(over: Partial<FleetContext> = {}): { ctx: FleetContext; calls: Map<string, number> } {
    const clients = testClients(moto.endpoint);
    const calls = countCalls(clients);
    return { ctx: createFleetContext({ aws: clients, region: 'us-east-1', ...over }), calls };
  }

  it('snapshots a cluster: every service, with task definition, image and verdict', async () => {
    const { ctx } = freshContext();
    const { value: snap, stale, error } = await getClusterSnapshot('fleet-a', ctx);
    assert.equal(stale, false);
    assert.equal(error, null);
    assert.equal(snap.cluster, 'fleet-a');
    assert.match(snap.clusterArn, /cluster\/fleet-a$/);
    assert.equal(snap.services.length, 12);
    for (const s of snap.services) {
      assert.deepEqual(s.taskDefinition, { family: 'fleet-app', revision: 1 });
      assert.equal(s.image, 'nginx:1.27');
      assert.equal(s.imageTag, '1.27');
      assert.ok(['healthy', 'degraded', 'down', 'deploying', 'unknown'].includes(s.verdict));
      assert.ok(s.lastDeploymentAt);
    }
  });

  it('N concurrent viewers cause one AWS round; refreshes make no DescribeTaskDefinition calls', async () => {
    const { ctx, calls } = freshContext({ snapshotTtlMs: 60_000 });
    await Promise.all(Array.from({ length: 20 }, () => getClusterSnapshot('fleet-a', ctx)));
    assert.equal(calls.get('ListServicesCommand'), 1);
    assert.equal(calls.get('DescribeServicesCommand'), 2, '12 services → two batches of ≤10');
    assert.equal(calls.get('DescribeTaskDefinitionCommand'), 1, 'one shared revision, described once');

    const { ctx: uncached, calls: c2 } = freshContext({ snapshotTtlMs: 0 });
    await getClusterSnapshot('fleet-a', uncached);
    await getClusterSnapshot('fleet-a', uncached);
    await getClusterSnapshot('fleet-a', uncached);
    assert.equal(c2.get('ListServicesCommand'), 3, 'TTL 0 refreshes every time');
    assert.equal(c2.get('DescribeTaskDefinitionCommand'), 1, 'task definitions are immutable: cached by ARN');
  });

  it('serves the last good snapshot, marked stale, when AWS stops answering', async () => {
    const { ctx } = freshContext({ snapshotTtlMs: 0 });
    const good = await getClusterSnapshot('fleet-a', ctx);
    const deadPort = await freePort();
    ctx.aws = testClients(`http://127.0.0.1:${deadPort}`, { callDeadlineMs: 1000 });
    const r = await getClusterSnapshot('fleet-a', ctx);
    assert.equal(r.stale, true);
    assert.equal(r.error?.code, 'unavailable');
    assert.equal(r.value.services.length, good.value.services.length);
    assert.equal(r.fetchedAt, good.fetchedAt);
  });

  it('overview: every configured cluster; a missing one shows its error and the rest still show', async () => {
    const { ctx } = freshContext({ clusters: ['fleet-a', 'fleet-b', 'fleet-missing'] });
    const overview = await getFleetOverview(ctx);
    assert.equal(overview.services.length, 14);
    const byName = new Map(overview.clusters.map((c) => [c.cluster, c]));
    assert.equal(byName.get('fleet-a')?.error, null);
    assert.equal(byName.get('fleet-a')?.stale, false);
    assert.equal(typeof byName.get('fleet-b')?.ageSeconds, 'number');
    assert.equal(byName.get('fleet-missing')?.error, 'Cluster "fleet-missing" was not found');
    assert.equal(byName.get('fleet-missing')?.fetchedAt, null);
  });

  it('overview discovers clusters when none are configured', async () => {
    const { ctx, calls } = freshContext();
    const overview = await getFleetOverview(ctx);
    assert.deepEqual(overview.clusters.map((c) => c.cluster).sort(), ['fleet-a', 'fleet-b']);
    await getFleetOverview(ctx);
    assert.equal(calls.get('ListClustersCommand'), 1, 'the discovered list is cached');
  });

  it('service detail: task definition, tasks, target groups with health and listener weights', async () => {
    const { ctx } = freshContext();
    const d = await getServiceDetail('fleet-a', 'web', ctx);
    assert.equal(d.cluster, 'fleet-a');
    assert.equal(d.service.name, 'web');
    assert.equal(d.health.name, 'web');
    assert.equal(d.taskDefinition?.family, 'fleet-app');
    assert.equal(
      d.awsConsoleUrl,
      'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/fleet-a/services/web/health?region=us-east-1',
    );
    // moto ignores ListTasks' serviceName filter, so these are the cluster's tasks; shapes are what count here.
    assert.ok(d.tasks.running.length >= 1);
    assert.ok(d.tasks.running.every((t) => t.desiredStatus === 'RUNNING'));
    assert.ok(d.tasks.stopped.length >= 1);
    assert.ok(d.tasks.stopped.every((t) => t.desiredStatus === 'STOPPED'));
    assert.ok(d.tasks.stopped.length <= 20);

    assert.equal(d.targetGroups.length, 1);
    const [tg] = d.targetGroups;
    assert.equal(tg?.targetGroup.arn, bg.blueArn);
    assert.equal(tg?.targets.length, 2);
    assert.deepEqual(tg?.listeners.map((l) => [l.listener.arn, l.weight]), [[bg.listenerArn, 100]]);
    assert.ok(d.events.length <= 50);
  });

  it('service detail is cached with single-flight', async () => {
    // The detail also reads the cluster's snapshot for its telemetry signals, so count what one
    // request costs and require ten concurrent ones to cost exactly the same.
    const one = freshContext();
    await getServiceDetail('fleet-a', 'web', one.ctx);
    const ten = freshContext();
    await Promise.all(Array.from({ length: 10 }, () => getServiceDetail('fleet-a', 'web', ten.ctx)));
    assert.deepEqual(Object.fromEntries(ten.calls), Object.fromEntries(one.calls));
    assert.equal(ten.calls.get('DescribeTargetHealthCommand'), 1);
  });

  it('service detail names what was not found', async () => {
    const { ctx } = freshContext();
    await assert.rejects(getServiceDetail('fleet-a', 'nope', ctx), (e: unknown) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'not_found');
      assert.equal(e.message, 'Service "nope" was not found in cluster "fleet-a"');
      return true;
    });
    await assert.rejects(getServiceDetail('fleet-missing', 'web', ctx), (e: unknown) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'not_found');
      assert.equal(e.message, 'Cluster "fleet-missing" was not found');
      return true;
    });
  });

  it('describeTasks returns the stopped task ECS reports', async () => {
    const stopped = await collect(listTaskArns(aws, 'fleet-a', { desiredStatus: 'STOPPED' }));
    const tasks = await describeTasks(aws, 'fleet-a', stopped);
    assert.ok(tasks.every((t) => t.desiredStatus === 'STOPPED'));
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

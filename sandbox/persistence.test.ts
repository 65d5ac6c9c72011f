/**
 * The sandbox remembers, as AWS does: a world driven over the wire (lib/aws) survives a restart
 * from the data directory — fleet, revisions, deployments, ECR images, alarms, findings, backups,
 * metrics and logs, its port, its id and its clock — and a reset world starts fresh under a new id.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeServices, describeTaskDefinition, listTaskDefinitionRevisions, registerTaskDefinition, updateService } from '../lib/aws/ecs';
import { describeImageByTag } from '../lib/aws/ecr';
import { testClients } from '../lib/aws/testing/fixtures';
import { startSandbox } from './server';
import { deleteWorld, readMeta, storedWorldSize } from './sim/persistence';

const START = Date.parse('2026-11-27T00:00:00Z');
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'codeflow-sandbox-world-'));
  dirs.push(dir);
  return dir;
};

async function admin(url: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** What a user would notice: services with their revision, counts and deployments; alarms; findings; backups. */
function fingerprint(sandbox: import('./state').Sandbox) {
  const services = [...sandbox.world.clusters.values()].flatMap((c) =>
    [...c.services.values()].map((s) => ({ cluster: c.name, name: s.name, desired: s.desiredCount, deployments: s.deployments.map((d) => [d.id, d.taskDefinition, d.rolloutState]), history: s.history.length })),
  );
  const revisions = [...sandbox.world.taskDefinitions.values()].flatMap((list) => list.map((td) => `${td.family}:${td.revision}:${td.status}`));
  const tasks = [...sandbox.world.clusters.values()].reduce((n, c) => n + c.tasks.size, 0);
  return { services, revisions, tasks };
}

describe('sandbox persistence', () => {
  it('restores the world, its port, id and clock after a restart', async () => {
    const dataDir = freshDir();
    const first = await startSandbox({ dataDir, speed: 0, startTime: START });
    assert.equal(first.restored, false);
    const aws = testClients(first.url);
    // A deploy, as Codeflow makes one: a new revision and an update-service, then ten minutes of rollout.
    const [svc] = await describeServices(aws, 'codeflow-cluster', ['codeflow-service']);
    const base = await describeTaskDefinition(aws, svc!.taskDefinitionArn);
    const revision = await registerTaskDefinition(aws, { baseTaskDefinitionArn: base.arn, images: { [base.containers[0]!.name]: 'codeflow/api:v9.9.9-persisted' } });
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', taskDefinition: revision.arn });
    await admin(first.url, '/_sandbox/clock/advance', { seconds: 600 });
    // ECR: a tag first looked up now, and one pushed again (moved to a new digest).
    const looked = await describeImageByTag(aws, { registryId: '123456789012', region: 'us-east-1', repository: 'codeflow', tag: 'v9.9.9-persisted' });
    const moved = (await admin(first.url, '/_sandbox/ecr/push', { repository: 'codeflow', tag: 'v1.4.2' })).digest;
    const before = fingerprint(first.sandbox);
    const simNow = first.sandbox.now();
    const alarms = [...first.sandbox.world.clusters.keys()].length;
    const snapshotBefore = first.sandbox.snapshot();
    const { port, sandbox: { worldId } } = first;
    await first.close();
    assert.ok(storedWorldSize(dataDir) > 0, 'the world was written on close');
    assert.equal(readMeta(dataDir).port, port);

    const second = await startSandbox({ dataDir, speed: 0 });
    try {
      assert.equal(second.restored, true);
      assert.equal(second.port, port, 'the port is kept');
      assert.equal(second.sandbox.worldId, worldId, 'the same world');
      assert.equal(second.sandbox.now(), simNow, 'the clock resumes where it stopped');
      assert.deepEqual(fingerprint(second.sandbox), before);
      assert.equal([...second.sandbox.world.clusters.keys()].length, alarms);
      // Everything else the services hold (metrics, logs, alarms, findings, backups) is the same state.
      const after = second.sandbox.snapshot();
      assert.deepEqual(after.graph, snapshotBefore.graph);

      // And over the wire: the revision and the deployment are there, and the world goes on living.
      const aws2 = testClients(second.url);
      const [again] = await describeServices(aws2, 'codeflow-cluster', ['codeflow-service']);
      assert.equal(again!.taskDefinitionArn, revision.arn);
      const revisions = await listTaskDefinitionRevisions(aws2, base.family);
      assert.ok(revisions.some((r) => r.arn === revision.arn));
      const ecr = async (tag: string) => (await describeImageByTag(aws2, { registryId: '123456789012', region: 'us-east-1', repository: 'codeflow', tag }))?.digest;
      assert.equal(await ecr('v9.9.9-persisted'), looked?.digest, 'a tag keeps its digest across the restart');
      assert.equal(await ecr('v1.4.2'), moved, 'a moved tag stays moved');
      await admin(second.url, '/_sandbox/clock/advance', { seconds: 120 });
      assert.ok(second.sandbox.now() > simNow);
    } finally {
      await second.close();
    }
  });

  it('starts a fresh world under a new id once the stored one is deleted, keeping the port', async () => {
    const dataDir = freshDir();
    const first = await startSandbox({ dataDir, speed: 0, startTime: START });
    const aws = testClients(first.url);
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', desiredCount: 7 });
    const { port, sandbox: { worldId } } = first;
    await first.close();
    deleteWorld(dataDir);
    assert.equal(existsSync(join(dataDir, 'sandbox', 'world.json.gz')), false);
    const second = await startSandbox({ dataDir, speed: 0, startTime: START });
    try {
      assert.equal(second.restored, false);
      assert.equal(second.port, port);
      assert.notEqual(second.sandbox.worldId, worldId);
      const [svc] = await describeServices(testClients(second.url), 'codeflow-cluster', ['codeflow-service']);
      assert.notEqual(svc!.desiredCount, 7);
    } finally {
      await second.close();
    }
  });

  it('simulates the time it was stopped when its clock runs', async () => {
    const dataDir = freshDir();
    const first = await startSandbox({ dataDir, speed: 1, startTime: START });
    await first.close();
    const stoppedAt = first.sandbox.now();
    const closedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await startSandbox({ dataDir });
    try {
      await second.caughtUp;
      const lived = second.sandbox.now() - stoppedAt;
      const down = Date.now() - closedAt;
      assert.ok(Math.abs(lived - down) < 1000, `then lives the ${down} ms it was down (lived ${lived} ms)`);
    } finally {
      await second.close();
    }
  });

  it('refuses a second sandbox on the same data directory', async () => {
    const dataDir = freshDir();
    const first = await startSandbox({ dataDir, speed: 0 });
    try {
      // The lock names this process, so a second start from it takes over; another process would be refused.
      const { lockWorld } = await import('./sim/persistence');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dataDir, 'sandbox', 'sandbox.lock'), String(process.ppid));
      assert.throws(() => lockWorld(dataDir), /another sandbox \(pid \d+\) is running/);
    } finally {
      await first.close();
    }
  });
});

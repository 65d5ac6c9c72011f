import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { DETECTOR_ID } from './telemetry/findings';

const START = Date.parse('2026-11-27T00:00:00Z');
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/guardduty/aws4_request, SignedHeaders=host, Signature=x';

interface WireFinding {
  id: string;
  severity: number;
  type: string;
  createdAt: string;
  updatedAt: string;
  resource: { resourceType: string; ecsClusterDetails?: { name: string; taskDetails?: { arn: string; group: string; definitionArn: string; startedAt: number } } };
  service: { archived: boolean; count: number; detectorId: string; serviceName: string; featureName: string };
}

/** restJson as the SDK and CLI send it: method + path, camelCase JSON body. */
async function call(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; errorType: string | null }> {
  const res = await fetch(`${sandbox.url}${path}`, { method, headers: { authorization: AUTH, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json(), errorType: res.headers.get('x-amzn-errortype') };
}

async function listIds(sandbox: RunningSandbox, findingCriteria?: unknown, sortCriteria?: unknown): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const { status, json } = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings`, { findingCriteria, sortCriteria, maxResults: 7, nextToken });
    assert.equal(status, 200, JSON.stringify(json));
    ids.push(...json.findingIds);
    nextToken = json.nextToken;
  } while (nextToken);
  return ids;
}

async function getFindings(sandbox: RunningSandbox, ids: string[]): Promise<WireFinding[]> {
  const out: WireFinding[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const { status, json } = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/get`, { findingIds: ids.slice(i, i + 50) });
    assert.equal(status, 200);
    out.push(...json.findings);
  }
  return out;
}

describe('sandbox GuardDuty', () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 42, speed: 0, startTime: START });
  });
  after(() => sandbox?.close());

  it('has one detector and a 30-day history of findings in GuardDuty JSON', async () => {
    const detectors = await call(sandbox, 'GET', '/detector');
    assert.deepEqual(detectors.json, { detectorIds: [DETECTOR_ID] });
    const ids = await listIds(sandbox);
    assert.ok(ids.length >= 15 && ids.length <= 30, `${ids.length} findings`);
    const findings = await getFindings(sandbox, ids);
    assert.equal(findings.length, ids.length);
    for (const f of findings) {
      assert.match(f.id, /^[0-9a-f]{32}$/);
      assert.equal(f.service.serviceName, 'guardduty');
      assert.equal(f.service.detectorId, DETECTOR_ID);
      assert.ok(Date.parse(f.createdAt) >= START - 30 * 86400_000 && Date.parse(f.updatedAt) <= START);
      assert.ok(Date.parse(f.updatedAt) >= Date.parse(f.createdAt));
      assert.ok(f.severity >= 1 && f.severity <= 10);
    }
    const lowOrMedium = findings.filter((f) => f.severity < 7).length;
    assert.ok(lowOrMedium > findings.length / 2, 'mostly LOW and MEDIUM');
    assert.ok(findings.some((f) => f.service.archived), 'some archived');
    assert.ok(findings.some((f) => f.type.includes(':Runtime/')) && findings.some((f) => f.resource.resourceType === 'AccessKey'));
  });

  it("the guide's §6.4 criterion returns only HIGH and CRITICAL findings, as Gte 7 does", async () => {
    const guide = await listIds(sandbox, { criterion: { severity: { eq: ['HIGH', 'CRITICAL'] } } });
    assert.ok(guide.length > 0);
    for (const f of await getFindings(sandbox, guide)) assert.ok(f.severity >= 7, `${f.type} is ${f.severity}`);
    const gte = await listIds(sandbox, { criterion: { severity: { gte: 7 } } });
    assert.deepEqual(new Set(gte), new Set(guide));
    const all = await listIds(sandbox);
    const others = (await getFindings(sandbox, all.filter((id) => !guide.includes(id)))).map((f) => f.severity);
    assert.ok(others.every((s) => s < 7));
  });

  it('sorts and paginates ListFindings', async () => {
    const bySeverity = await getFindings(sandbox, await listIds(sandbox, undefined, { attributeName: 'severity', orderBy: 'DESC' }));
    const severities = bySeverity.map((f) => f.severity);
    assert.deepEqual(severities, [...severities].sort((a, b) => b - a));
    const page = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings`, { maxResults: 5 });
    assert.equal(page.json.findingIds.length, 5);
    assert.equal(typeof page.json.nextToken, 'string');
  });

  it('archiving hides findings from service.archived = false and unarchiving brings them back', async () => {
    const open = { criterion: { 'service.archived': { eq: ['false'] } } };
    const before = await listIds(sandbox, open);
    const target = before.slice(0, 2);
    assert.equal((await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/archive`, { findingIds: target })).status, 200);
    const afterArchive = await listIds(sandbox, open);
    assert.deepEqual(afterArchive, before.filter((id) => !target.includes(id)));
    for (const f of await getFindings(sandbox, target)) assert.equal(f.service.archived, true);
    assert.equal((await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/unarchive`, { findingIds: target })).status, 200);
    assert.deepEqual(new Set(await listIds(sandbox, open)), new Set(before));
  });

  it('ties runtime findings to codeflow-cluster tasks, services and task definitions', async () => {
    const ids = await listIds(sandbox, { criterion: { 'resource.ecsClusterDetails.name': { eq: ['codeflow-cluster'] } } });
    const findings = await getFindings(sandbox, ids);
    assert.ok(findings.length > 0);
    const cluster = sandbox.sandbox.world.clusters.get('codeflow-cluster')!;
    const liveTasks = new Set([...cluster.tasks.values()].map((t) => t.arn));
    const serviceNames = new Set(cluster.services.keys());
    for (const f of findings) {
      const task = f.resource.ecsClusterDetails!.taskDetails!;
      assert.equal(f.resource.resourceType, 'ECSCluster');
      assert.match(task.arn, /^arn:aws:ecs:us-east-1:123456789012:task\/codeflow-cluster\/[0-9a-f]{32}$/);
      assert.ok(serviceNames.has(task.group.replace(/^service:/, '')), task.group);
      assert.ok(sandbox.sandbox.world.taskDefinitionByRef(task.definitionArn), task.definitionArn);
      assert.equal(typeof task.startedAt, 'number', 'task timestamps are epoch seconds, as the model says');
    }
    assert.ok(findings.some((f) => liveTasks.has(f.resource.ecsClusterDetails!.taskDetails!.arn)), 'recent findings point at running tasks');
  });

  it('counts by severity and groups by type', async () => {
    const all = await getFindings(sandbox, await listIds(sandbox));
    const stats = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/statistics`, { findingStatisticTypes: ['COUNT_BY_SEVERITY'], findingCriteria: { criterion: { severity: { gte: 7 } } } });
    assert.equal(stats.status, 200);
    const counts = stats.json.findingStatistics.countBySeverity as Record<string, number>;
    assert.ok(Object.keys(counts).every((k) => /^\d+\.\d$/.test(k) && Number(k) >= 7));
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), all.filter((f) => f.severity >= 7).length);
    const byType = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/statistics`, { groupBy: 'FINDING_TYPE', orderBy: 'DESC', maxResults: 3 });
    const groups = byType.json.findingStatistics.groupedByFindingType as { findingType: string; totalFindings: number; lastGeneratedAt: number }[];
    assert.ok(groups.length <= 3 && groups.length > 0);
    assert.ok(groups[0]!.totalFindings >= groups.at(-1)!.totalFindings);
    assert.equal(typeof groups[0]!.lastGeneratedAt, 'number');
  });

  it('answers bad requests with BadRequestException and server faults with InternalServerErrorException', async () => {
    const unknown = await call(sandbox, 'POST', '/detector/00000000000000000000000000000000/findings', {});
    assert.equal(unknown.status, 400);
    assert.equal(unknown.errorType, 'BadRequestException');
    assert.equal(unknown.json.__type, 'BadRequestException');
    assert.match(unknown.json.message, /detectorId/);
    const badCriteria = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings`, { findingCriteria: { criterion: { severity: { eq: ['SEVERE'] } } } });
    assert.equal(badCriteria.status, 400);
    assert.equal(badCriteria.json.__type, 'BadRequestException');
    const tooMany = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/get`, { findingIds: Array.from({ length: 51 }, (_, i) => i.toString(16).padStart(32, '0')) });
    assert.equal(tooMany.json.__type, 'BadRequestException');
    const archiveUnknown = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/archive`, { findingIds: ['f'.repeat(32)] });
    assert.equal(archiveUnknown.json.__type, 'BadRequestException');
    const noStatistic = await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/statistics`, {});
    assert.equal(noStatistic.json.__type, 'BadRequestException');

    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ service: 'guardduty', errorRate: 1 }] }) });
    try {
      const fault = await call(sandbox, 'GET', '/detector');
      assert.equal(fault.status, 500);
      assert.equal(fault.json.__type, 'InternalServerErrorException');
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});

describe('sandbox GuardDuty over simulated time', () => {
  const snapshot = async (sandbox: RunningSandbox) => (await getFindings(sandbox, await listIds(sandbox))).map((f) => `${f.id} ${f.type} ${f.severity} ${f.updatedAt} ${f.service.count}`).sort();

  it('raises new findings on running tasks, the same ones for the same seed', async () => {
    const [a, b, other] = await Promise.all([42, 42, 7].map((seed) => startSandbox({ seed, speed: 0, startTime: START })));
    try {
      const initial = await listIds(a!);
      for (const s of [a!, b!, other!]) s.sandbox.advance(86400);
      const later = await getFindings(a!, await listIds(a!));
      const fresh = later.filter((f) => !initial.includes(f.id));
      assert.ok(fresh.length >= 1, 'a simulated day raises new findings');
      for (const f of fresh) assert.ok(Date.parse(f.createdAt) > START);
      const runtime = fresh.filter((f) => f.resource.ecsClusterDetails?.taskDetails);
      const taskArns = new Set([...a!.sandbox.world.clusters.values()].flatMap((c) => [...c.tasks.values()].map((t) => t.arn)));
      const services = new Set([...a!.sandbox.world.clusters.values()].flatMap((c) => [...c.services.keys()].map((s) => `${c.name} service:${s}`)));
      for (const f of runtime) assert.ok(services.has(`${f.resource.ecsClusterDetails!.name} ${f.resource.ecsClusterDetails!.taskDetails!.group}`));
      if (runtime.length > 0) assert.ok(runtime.some((f) => taskArns.has(f.resource.ecsClusterDetails!.taskDetails!.arn)), 'new runtime findings point at fleet tasks');
      assert.deepEqual(await snapshot(a!), await snapshot(b!));
      assert.notDeepEqual(await snapshot(a!), await snapshot(other!));
    } finally {
      await Promise.all([a, b, other].map((s) => s?.close()));
    }
  });

  it('reset with the fleet rebuilds the same history', async () => {
    const sandbox = await startSandbox({ seed: 42, speed: 0, startTime: START });
    try {
      const first = await snapshot(sandbox);
      await call(sandbox, 'POST', `/detector/${DETECTOR_ID}/findings/archive`, { findingIds: [first[0]!.split(' ')[0]] });
      await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 42, speed: 0, startTime: START }) });
      assert.deepEqual(await snapshot(sandbox), first);
      const [id] = first[0]!.split(' ');
      assert.equal((await getFindings(sandbox, [id!]))[0]!.service.archived, false);
    } finally {
      await sandbox.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

const available = await awsCliAvailable();

/** The guide's §6.4 GuardDuty commands, run with the real AWS CLI against the sandbox. */
describe('AWS CLI GuardDuty against the sandbox (guide §6.4)', { skip: available ? false : AWS_CLI_MISSING }, () => {
  let running: RunningSandbox;
  let aws: (...args: string[]) => Promise<any>;
  let awsFails: (...args: string[]) => Promise<string>;
  let detectorId: string;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T00:00:00Z') });
    ({ aws, awsFails } = awsCli(running.url));
  });
  after(() => running?.close());

  it('list-detectors, then the guide\'s list-findings with {"Criterion": {"severity": {"Eq": ["HIGH", "CRITICAL"]}}}', async () => {
    const detectors = await aws('guardduty', 'list-detectors');
    assert.equal(detectors.DetectorIds.length, 1);
    detectorId = detectors.DetectorIds[0];
    const high = await aws('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', '{"Criterion": {"severity": {"Eq": ["HIGH", "CRITICAL"]}}}');
    assert.ok(high.FindingIds.length > 0);
    const all = await aws('guardduty', 'list-findings', '--detector-id', detectorId);
    assert.ok(all.FindingIds.length > high.FindingIds.length, 'the CLI follows nextToken and lists every finding');

    const details = await aws('guardduty', 'get-findings', '--detector-id', detectorId, '--finding-ids', ...high.FindingIds);
    assert.equal(details.Findings.length, high.FindingIds.length);
    for (const f of details.Findings) {
      assert.ok(f.Severity >= 7, `${f.Type} is ${f.Severity}`);
      assert.equal(f.Service.ServiceName, 'guardduty');
      assert.equal(f.Service.DetectorId, detectorId);
      if (f.Resource.ResourceType === 'ECSCluster') assert.match(f.Resource.EcsClusterDetails.TaskDetails.Group, /^service:/);
    }
  });

  it('numeric criteria (Gte 7) match the guide\'s labels', async () => {
    const labels = await aws('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', '{"Criterion": {"severity": {"Eq": ["HIGH", "CRITICAL"]}}}');
    const gte = await aws('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', '{"Criterion": {"severity": {"Gte": 7}}}', '--sort-criteria', 'AttributeName=severity,OrderBy=DESC');
    assert.deepEqual(new Set(gte.FindingIds), new Set(labels.FindingIds));
  });

  it('archive-findings hides a finding from service.archived = false; unarchive-findings brings it back', async () => {
    const open = '{"Criterion": {"service.archived": {"Eq": ["false"]}}}';
    const before = await aws('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', open);
    const [id] = before.FindingIds;
    await aws('guardduty', 'archive-findings', '--detector-id', detectorId, '--finding-ids', id);
    const during = await aws('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', open);
    assert.ok(!during.FindingIds.includes(id));
    const archived = await aws('guardduty', 'get-findings', '--detector-id', detectorId, '--finding-ids', id);
    assert.equal(archived.Findings[0].Service.Archived, true);
    await aws('guardduty', 'unarchive-findings', '--detector-id', detectorId, '--finding-ids', id);
    const afterwards = await aws('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', open);
    assert.ok(afterwards.FindingIds.includes(id));
  });

  it('get-findings-statistics counts by severity', async () => {
    const stats = await aws('guardduty', 'get-findings-statistics', '--detector-id', detectorId, '--finding-statistic-types', 'COUNT_BY_SEVERITY');
    const all = await aws('guardduty', 'list-findings', '--detector-id', detectorId);
    const counts = Object.values(stats.FindingStatistics.CountBySeverity) as number[];
    assert.equal(counts.reduce((a, b) => a + b, 0), all.FindingIds.length);
  });

  it('answers an unknown detector with BadRequestException', async () => {
    assert.match(await awsFails('guardduty', 'list-findings', '--detector-id', 'ffffffffffffffffffffffffffffffff'), /BadRequestException/);
    assert.match(await awsFails('guardduty', 'list-findings', '--detector-id', detectorId, '--finding-criteria', '{"Criterion": {"severity": {"Eq": ["SEVERE"]}}}'), /BadRequestException/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '../aws/types';
import { historyMarkers } from '../telemetry/metrics';
import { outcomeOf, revisionName, type DeploymentHistoryEntry } from './deployment-history';
import { recentlyStopped } from './service-detail';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow:3';

describe('deployment history', () => {
  it('names a revision family:rev (image tag)', () => {
    const td = { containers: [{ image: 'sidecar:1', essential: false }, { image: '1234.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.1-crash', essential: true }] };
    assert.equal(revisionName(TD, td as never).label, 'codeflow:3 (v1.5.1-crash)');
    assert.equal(revisionName(TD, null).label, 'codeflow:3');
  });

  it('reads ECS statuses as outcomes: a rollback means the deployment failed', () => {
    assert.equal(outcomeOf('SUCCESSFUL'), 'succeeded');
    assert.equal(outcomeOf('ROLLBACK_SUCCESSFUL'), 'rolled-back');
    assert.equal(outcomeOf('ROLLBACK_IN_PROGRESS'), 'rolled-back');
    assert.equal(outcomeOf('STOPPED'), 'stopped');
    assert.equal(outcomeOf('IN_PROGRESS'), 'in-progress');
    assert.equal(outcomeOf('SOMETHING_NEW'), 'failed');
  });

  it('marks every deployment that began in the chart range, oldest first', () => {
    const entry = (arn: string, startedAt: string, status: string): DeploymentHistoryEntry => ({
      arn, status, outcome: outcomeOf(status), statusReason: null, startedAt, finishedAt: null, failedTasks: null, rollbackReason: null,
      revision: revisionName(TD, null),
    });
    const history = [
      entry('d4', '2026-01-01T10:50:00.000Z', 'SUCCESSFUL'),
      entry('d3', '2026-01-01T10:40:00.000Z', 'ROLLBACK_SUCCESSFUL'),
      entry('d2', '2026-01-01T10:20:00.000Z', 'SUCCESSFUL'),
      entry('d1', '2026-01-01T08:00:00.000Z', 'SUCCESSFUL'),
    ];
    const markers = historyMarkers(history, { from: '2026-01-01T10:00:00.000Z', to: '2026-01-01T11:00:00.000Z' });
    assert.deepEqual(markers.map((m) => [m.id, m.outcome, m.label]), [
      ['d2', 'succeeded', 'codeflow:3'],
      ['d3', 'rolled-back', 'codeflow:3'],
      ['d4', 'succeeded', 'codeflow:3'],
    ]);
  });
});

describe('recently stopped', () => {
  const task = (id: string, stoppedAt: string, exitCode: number | null): Task =>
    ({ id, arn: id, stoppedAt, stoppingAt: null, createdAt: stoppedAt, containers: [{ name: 'app', image: null, lastStatus: 'STOPPED', exitCode, reason: null, healthStatus: null }] }) as unknown as Task;

  it('crashed tasks first, newest first within each, bounded, with totals', () => {
    const tasks = [
      task('scaled-new', '2026-01-01T10:59:00Z', 0),
      task('crash-old', '2026-01-01T10:00:00Z', 1),
      task('oom', '2026-01-01T10:30:00Z', 137),
      ...Array.from({ length: 12 }, (_, i) => task(`sched-${i}`, `2026-01-01T09:${String(10 + i).padStart(2, '0')}:00Z`, 0)),
    ];
    const r = recentlyStopped(tasks);
    assert.deepEqual(r.stopped.slice(0, 3).map((t) => t.id), ['oom', 'crash-old', 'scaled-new']);
    assert.equal(r.stopped.length, 10);
    assert.equal(r.stoppedTotal, 15);
    assert.equal(r.crashedTotal, 2);
  });
});

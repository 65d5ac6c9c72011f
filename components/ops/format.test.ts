import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costLines, formatMemory, formatTimeLeft, formatVcpu, imageTag, isFinished, isInFlight, revisionName } from './format';

describe('ops format', () => {
  it('says how long an approval has left, counting down (not "0s" for a deadline ahead)', () => {
    assert.equal(formatTimeLeft(30 * 60 - 5), '29 min');
    assert.equal(formatTimeLeft(45.2), '46 s');
    assert.equal(formatTimeLeft(65 * 60), '1 h 5 min');
    assert.equal(formatTimeLeft(0), 'expired');
  });

  it('prices a scale from 3 to 6 tasks of 0.5 vCPU / 1 GiB at Fargate list price', () => {
    const [now, after] = costLines({ cpuUnitsPerTask: 512, memoryMiBPerTask: 1024, currentCount: 3, newCount: 6 });
    assert.deepEqual(
      [now!.count, now!.cpu, now!.memory, after!.count, after!.cpu, after!.memory],
      [3, '1.5 vCPU', '3 GiB', 6, '3 vCPU', '6 GiB'],
    );
    // 3 × (0.5 × 0.04048 + 1 × 0.004445) = 0.074055 $/h
    assert.equal(now!.perHour, '$0.074');
    assert.equal(after!.perHour, '$0.148');
    assert.equal(after!.perMonth, '$108.12');
  });

  it('formats capacity', () => {
    assert.equal(formatVcpu(256), '0.25 vCPU');
    assert.equal(formatVcpu(2048), '2 vCPU');
    assert.equal(formatMemory(512), '512 MiB');
    assert.equal(formatMemory(3072), '3 GiB');
  });

  it('names revisions and image tags', () => {
    assert.equal(revisionName('arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow:41'), 'codeflow:41');
    assert.equal(revisionName('codeflow:7'), 'codeflow:7');
    assert.equal(revisionName(null), '—');
    assert.equal(imageTag('123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.2'), 'v1.4.2');
    assert.equal(imageTag('localhost:5000/codeflow'), 'latest');
    assert.equal(imageTag('repo/app@sha256:0123456789abcdef0123'), 'sha256:0123456789ab'); // a digest shortened to 12 hex digits
  });

  it('tells finished from in-flight operations', () => {
    assert.equal(isFinished('rolled_back'), true);
    assert.equal(isFinished('awaiting_approval'), false);
    assert.equal(isInFlight('paused'), true);
    assert.equal(isInFlight('awaiting_approval'), false);
    assert.equal(isInFlight('outcome_unknown'), true);
  });
});

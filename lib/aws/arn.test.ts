import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageTagOf, nameFromArn, parseTaskDefinitionArn } from './arn';
import { chunk, mapLimit } from './batch';

describe('arn helpers', () => {
  it('parses task definition ARNs and family:revision', () => {
    assert.deepEqual(parseTaskDefinitionArn('arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow-app:42'), { family: 'codeflow-app', revision: 42 });
    assert.deepEqual(parseTaskDefinitionArn('web:3'), { family: 'web', revision: 3 });
    assert.equal(parseTaskDefinitionArn('arn:aws:ecs:us-east-1:1:service/c/s'), null);
  });

  it('takes the last segment of new-style ARNs', () => {
    assert.equal(nameFromArn('arn:aws:ecs:us-east-1:1:service/codeflow-cluster/codeflow-service'), 'codeflow-service');
    assert.equal(nameFromArn('arn:aws:ecs:us-east-1:1:cluster/codeflow-cluster'), 'codeflow-cluster');
    assert.equal(nameFromArn('arn:aws:ecs:us-east-1:1:task/c/0123abcd'), '0123abcd');
    assert.equal(nameFromArn('plain-name'), 'plain-name');
  });

  it('reads image tags, not registry ports', () => {
    assert.equal(imageTagOf('nginx:1.27'), '1.27');
    assert.equal(imageTagOf('123.dkr.ecr.us-east-1.amazonaws.com/codeflow:v2.3.1'), 'v2.3.1');
    assert.equal(imageTagOf('registry.local:5000/app'), 'latest');
    assert.equal(imageTagOf('registry.local:5000/app:abc'), 'abc');
    assert.equal(imageTagOf('app@sha256:deadbeef'), 'sha256:deadbeef');
    assert.equal(imageTagOf('123.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0@sha256:deadbeef'), 'v1.5.0');
    assert.equal(imageTagOf('registry.local:5000/app@sha256:deadbeef'), 'sha256:deadbeef');
  });
});

describe('batching', () => {
  it('chunks', () => {
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunk([], 10), []);
  });

  it('mapLimit keeps order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5 * (8 - n)));
      active -= 1;
      return n * 10;
    });
    assert.deepEqual(out, [10, 20, 30, 40, 50, 60, 70]);
    assert.equal(peak, 3);
  });

  it('mapLimit rejects when one call fails', async () => {
    await assert.rejects(mapLimit([1, 2], 2, async (n) => {
      if (n === 2) throw new Error('no');
      return n;
    }), /no/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../config';
import { isAppError } from '../errors';
import { resolveImage } from './image-ref';
import { parsePolicyConfig, policyFileSchema, policyFor } from './policy-config';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.2';

describe('image references', () => {
  it('applies a bare tag or digest to the current repository', () => {
    assert.equal(resolveImage('v1.5.0', ECR), '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0');
    assert.equal(resolveImage(':v2', ECR), '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v2');
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(resolveImage(digest, ECR), `123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.2@${digest}`);
  });
  it('keeps full references, with registry ports and digests', () => {
    assert.equal(resolveImage('nginx:1.27', ECR), 'nginx:1.27');
    assert.equal(resolveImage(`localhost:5000/team/app:1@sha256:${'b'.repeat(64)}`, ECR), `localhost:5000/team/app:1@sha256:${'b'.repeat(64)}`);
  });
  it('refuses what is not a reference, naming the field', () => {
    for (const bad of ['not valid!', 'UPPER/Case:1', 'repo:', `app@sha256:${'z'.repeat(64)}`, 'registry.io/app', '']) {
      assert.throws(() => resolveImage(bad, ECR), (e) => isAppError(e) && e.code === 'invalid' && /^image:/.test(e.message), bad);
    }
  });
});

describe('policy config', () => {
  it('maps the guide’s clusters to environments with production needing approval for deploys', () => {
    const policy = parseConfig({}).policy;
    assert.equal(policyFor(policy, 'codeflow-cluster').environment, 'production');
    assert.deepEqual(policyFor(policy, 'arn:aws:ecs:us-east-1:1:cluster/codeflow-staging').environment, 'staging');
    assert.deepEqual(policyFor(policy, 'codeflow-cluster').policy.approvalFor, ['deploy']);
    assert.deepEqual(policyFor(policy, 'codeflow-staging').policy.approvalFor, []);
  });
  it('takes the file section and env overrides, and refuses unknown environments and keys', () => {
    const p = parsePolicyConfig({ CODEFLOW_POLICY_BAKE_SECONDS: '5', CODEFLOW_POLICY_CLUSTERS: 'qa-cluster=qa' }, { environments: { qa: { onTrigger: 'notify', scale: { min: 1, max: 3 } } } });
    assert.equal(policyFor(p, 'qa-cluster').policy.onTrigger, 'notify');
    assert.equal(policyFor(p, 'qa-cluster').policy.bakeSeconds, 5);
    assert.equal(policyFor(p, 'codeflow-cluster').policy.bakeSeconds, 5);
    assert.throws(() => parsePolicyConfig({ CODEFLOW_POLICY_CLUSTERS: 'x=nowhere' }), /no policy/);
    assert.throws(() => parsePolicyConfig({ CODEFLOW_POLICY_ON_TRIGGER: 'panic' }), /CODEFLOW_POLICY_ON_TRIGGER/);
    assert.equal(policyFileSchema.safeParse({ bogus: 1 }).success, false);
  });
});

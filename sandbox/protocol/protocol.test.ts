import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSandbox } from '../server';
import { parseQueryParams, toXml } from './aws-query';
import { parseCredentialScope } from './request';

describe('protocol layer', () => {
  it('reads the signing name and region from the SigV4 credential scope', () => {
    assert.deepEqual(parseCredentialScope('AWS4-HMAC-SHA256 Credential=AKID/20261127/eu-west-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=abc'), { accessKeyId: 'AKID', region: 'eu-west-1', service: 'elasticloadbalancing' });
    assert.equal(parseCredentialScope(undefined), null);
  });

  it('unflattens query parameters into nested lists', () => {
    const params = new URLSearchParams('Action=ModifyListener&Version=2015-12-01&ListenerArn=l1&DefaultActions.member.1.Type=forward&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=g2&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=g1&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=90');
    const { action, input } = parseQueryParams(params);
    assert.equal(action, 'ModifyListener');
    assert.deepEqual(input, { ListenerArn: 'l1', DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'g1', Weight: '90' }, { TargetGroupArn: 'g2' }] } }] });
  });

  it('serialises lists as <member> and escapes text', () => {
    assert.equal(toXml({ A: [{ B: 'x<y' }], C: true }), '<A><member><B>x&lt;y</B></member></A><C>true</C>');
  });

  it('answers malformed JSON, unknown targets and unknown services in AWS error shapes', async () => {
    const sandbox = await startSandbox({ speed: 0 });
    try {
      const post = (headers: Record<string, string>, body: string) => fetch(sandbox.url, { method: 'POST', headers, body });
      const malformed = await post({ 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'content-type': 'application/x-amz-json-1.1' }, '{nope');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.headers.get('x-amzn-errortype'), 'SerializationException');
      assert.equal(((await malformed.json()) as { __type: string }).__type, 'SerializationException');

      const unknownOp = await post({ 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.LaunchRocket', 'content-type': 'application/x-amz-json-1.1' }, '{}');
      assert.equal(((await unknownOp.json()) as { __type: string }).__type, 'UnknownOperationException');

      const query = await post({ authorization: 'AWS4-HMAC-SHA256 Credential=A/20261127/us-east-1/elasticloadbalancing/aws4_request', 'content-type': 'application/x-www-form-urlencoded' }, 'Action=DescribeListeners&Version=2015-12-01');
      assert.equal(query.status, 400);
      assert.match(await query.text(), /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>ValidationError<\/Code>/);

      const unknownService = await post({ authorization: 'AWS4-HMAC-SHA256 Credential=A/20261127/us-east-1/s3/aws4_request' }, '');
      assert.equal(unknownService.status, 400);
    } finally {
      await sandbox.close();
    }
  });

  it('injects throttling, errors and latency per service and operation', async () => {
    const sandbox = await startSandbox({ speed: 0 });
    try {
      const setFaults = (rules: unknown) => fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
      const listClusters = () => fetch(sandbox.url, { method: 'POST', headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      assert.equal((await setFaults([{ service: 'ecs', operation: 'ListClusters', throttleRate: 1 }])).status, 200);
      const throttled = await listClusters();
      assert.equal(throttled.headers.get('x-amzn-errortype'), 'ThrottlingException');
      await setFaults([{ service: 'ecs', errorRate: 1 }]);
      assert.equal((await listClusters()).status, 500);
      await setFaults([{ latencyMs: 150 }]);
      const started = Date.now();
      assert.equal((await listClusters()).status, 200);
      assert.ok(Date.now() - started >= 150);
      assert.equal((await setFaults([{ throttleRate: 2 }])).status, 400);
      const calls = (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
      assert.equal(calls.calls['ecs:ListClusters'], 3);
    } finally {
      await sandbox.close();
    }
  });
});

describe('awsJson wire format', () => {
  it('sends timestamps as epoch seconds, as the SDK expects', async () => {
    const { toJsonWire } = await import('./aws-json');
    assert.equal(toJsonWire({ at: new Date(1500), nested: [{ at: new Date(0) }] }), '{"at":1.5,"nested":[{"at":0}]}');
  });
});

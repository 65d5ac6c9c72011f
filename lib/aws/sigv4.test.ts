import assert from 'node:assert/strict';
import { it } from 'node:test';
import { signRequest } from './sigv4';

it("signs AWS's published SigV4 example (IAM ListUsers, 2015-08-30) to AWS's signature", () => {
  const headers = signRequest(
    { method: 'GET', url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: '' },
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    { region: 'us-east-1', service: 'iam' },
    new Date('2015-08-30T12:36:00Z'),
  );
  assert.equal(
    headers.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  );
  assert.equal(headers['x-amz-date'], '20150830T123600Z');
});

it('signs the session token of temporary credentials', () => {
  const headers = signRequest(
    { method: 'POST', url: new URL('https://api.ecr.us-east-1.amazonaws.com/'), headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{}' },
    { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 'token' },
    { region: 'us-east-1', service: 'ecr' },
  );
  assert.equal(headers['x-amz-security-token'], 'token');
  assert.match(headers.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,/);
});

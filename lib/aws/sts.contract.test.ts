/**
 * The same lib/aws/sts calls against moto and the Codeflow sandbox playing the organisation:
 * AssumeRole into a member account's role (with an external id and a session name naming who), and
 * GetCallerIdentity with the credentials it returned — shapes and error codes, never exact values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startSandbox } from '../../sandbox/server';
import { SANDBOX_ACCOUNTS, SANDBOX_EXTERNAL_ID } from '../sandbox/organization';
import { isAppError } from '../errors';
import { assumeRole, createStsClient, getCallerIdentity, roleSessionName } from './sts';
import { findMotoServer, startMoto } from './testing/moto';

const STAGING = '210987654321';
const ROLE = `arn:aws:iam::${STAGING}:role/CodeflowReadOnly`;
const KEYS = { accessKeyId: 'AKIDCODEFLOWCONTRACT', secretAccessKey: 'contract' };

interface StsTarget {
  endpoint: string;
  /** Why the target cannot refuse an AssumeRole its trust policy forbids, when it cannot. */
  lacksTrustPolicies?: string;
  close(): Promise<void>;
}

function contractSuite(name: string, setup: () => Promise<StsTarget>): void {
  describe(`lib/aws/sts contract: ${name}`, { timeout: 120_000 }, () => {
    let target: StsTarget;
    before(async () => {
      target = await setup();
    });
    after(() => target?.close());
    const sts = (credentials = KEYS) => createStsClient({ region: 'us-east-1', endpoint: target.endpoint, credentials, requestTimeoutMs: 5_000, callDeadlineMs: 8_000 });

    it('assumes a member account role: temporary credentials with an expiry, who they are in that account', async () => {
      const sessionName = roleSessionName('codeflow', 'Olga Operator');
      const credentials = await assumeRole(sts(), { roleArn: ROLE, sessionName, externalId: SANDBOX_EXTERNAL_ID, durationSeconds: 900 }, 8_000);
      assert.match(credentials.accessKeyId, /^ASIA[A-Z0-9]{12,}$/);
      assert.ok(credentials.secretAccessKey.length >= 20 && credentials.sessionToken.length > 0);
      const inMinutes = (credentials.expiration.getTime() - Date.now()) / 60_000;
      assert.ok(inMinutes > 10 && inMinutes <= 16, `expires in ${inMinutes} minutes`);
      const identity = await getCallerIdentity(sts(credentials), 8_000);
      assert.equal(identity.account, STAGING);
      assert.equal(identity.arn, `arn:aws:sts::${STAGING}:assumed-role/CodeflowReadOnly/${sessionName}`);
      assert.match(identity.userId, new RegExp(`^AROA[A-Z0-9]+:${sessionName}$`));
    });

    it('GetCallerIdentity with long-term keys names a user', async () => {
      const identity = await getCallerIdentity(sts(), 8_000);
      assert.match(identity.account, /^\d{12}$/);
      assert.match(identity.arn, /^arn:aws:(iam|sts)::\d{12}:/);
    });

    it('a refused AssumeRole (a wrong external id) is a forbidden AppError, keeping the request id', async (t: TestContext) => {
      if (target.lacksTrustPolicies) return t.skip(target.lacksTrustPolicies);
      await assert.rejects(
        assumeRole(sts(), { roleArn: ROLE, sessionName: 'codeflow-read', externalId: 'not-the-external-id' }, 8_000),
        (e: unknown) => isAppError(e) && e.code === 'forbidden' && /STS refused AssumeRole: .*not allowed/.test(e.message) && typeof e.requestId === 'string',
      );
    });
  });
}

const motoBin = findMotoServer();
if (!motoBin) {
  describe('lib/aws/sts contract: moto', () => {
    it('moto_server is not on PATH: the moto STS contract suite was NOT run', (t) => t.skip('moto_server not found on PATH'));
  });
} else {
  contractSuite('moto', async () => {
    const moto = await startMoto(motoBin);
    return { endpoint: moto.endpoint, lacksTrustPolicies: 'moto does not evaluate a role’s trust policy: every AssumeRole succeeds', close: () => moto.stop() };
  });
}

contractSuite('sandbox', async () => {
  const sandbox = await startSandbox({ organization: SANDBOX_ACCOUNTS, seed: 42, speed: 0, fleetSize: 0 });
  return { endpoint: sandbox.url, close: () => sandbox.close() };
});

/**
 * The same lib/aws/ecr call (DescribeImages by tag, over ECR's wire protocol) against moto and the
 * Codeflow sandbox: the domain shape, a tag that is not there, a repository that is not there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox } from '../../sandbox/server';
import { isAppError } from '../errors';
import type { AwsClients } from './client';
import { describeImageByTag } from './ecr';
import { pushEcrImage, testClients } from './testing/fixtures';
import { findMotoServer, startMoto } from './testing/moto';

interface EcrTarget {
  aws: AwsClients;
  repository: string;
  tag: string;
  /** The digest the tag is known to point at, where the target tells it up front. */
  digest?: string;
  missingTag: string;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';

function contractSuite(name: string, setup: () => Promise<EcrTarget>): void {
  describe(`lib/aws/ecr contract: ${name}`, { timeout: 120_000 }, () => {
    let target: EcrTarget;
    before(async () => {
      target = await setup();
    });
    after(() => target?.close());

    it('resolves a tag to its image digest, in domain shape', async () => {
      const image = await describeImageByTag(target.aws, { registryId: ACCOUNT, region: 'us-east-1', repository: target.repository, tag: target.tag });
      assert.ok(image, 'the tag resolves');
      assert.match(image.digest, /^sha256:[a-f0-9]{64}$/);
      if (target.digest) assert.equal(image.digest, target.digest);
      assert.equal(image.repository, target.repository);
      assert.equal(image.registryId, ACCOUNT);
      assert.ok(image.tags.includes(target.tag), `tags ${image.tags.join(', ')}`);
      assert.ok(image.pushedAt === null || !Number.isNaN(Date.parse(image.pushedAt)));
      // The same tag, read again, names the same digest.
      assert.equal((await describeImageByTag(target.aws, { registryId: ACCOUNT, region: 'us-east-1', repository: target.repository, tag: target.tag }))?.digest, image.digest);
    });

    it('a tag the repository does not hold is null (not an error)', async () => {
      assert.equal(await describeImageByTag(target.aws, { registryId: ACCOUNT, region: 'us-east-1', repository: target.repository, tag: target.missingTag }), null);
    });

    it('an unknown repository is not_found, keeping the request id', async () => {
      await assert.rejects(
        describeImageByTag(target.aws, { registryId: ACCOUNT, region: 'us-east-1', repository: 'no-such-repository-42', tag: 'v1' }),
        (e: unknown) => isAppError(e) && e.code === 'not_found' && typeof e.requestId === 'string' && /ECR/.test(e.message),
      );
    });
  });
}

const motoBin = findMotoServer();
if (!motoBin) {
  describe('lib/aws/ecr contract: moto', () => {
    it('moto_server is not on PATH: the moto ECR contract suite was NOT run', (t) => t.skip('moto_server not found on PATH'));
  });
} else {
  contractSuite('moto', async () => {
    const moto = await startMoto(motoBin);
    const aws = testClients(moto.endpoint);
    const digest = await pushEcrImage(aws, 'codeflow', 'v1.5.0');
    return { aws, repository: 'codeflow', tag: 'v1.5.0', digest, missingTag: 'v0.0.0-never-pushed', close: () => moto.stop() };
  });
}

contractSuite('sandbox', async () => {
  const sandbox = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T10:30:00Z') });
  const digest = sandbox.sandbox.world.ecrImageByTag('codeflow', 'v1.4.2')?.digest;
  assert.ok(digest, 'the seeded fleet pushed codeflow:v1.4.2');
  return { aws: testClients(sandbox.url), repository: 'codeflow', tag: 'v1.4.2', digest, missingTag: 'v1.5.0-unpushed', close: () => sandbox.close() };
});

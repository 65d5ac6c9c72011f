import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

const available = await awsCliAvailable();

/** The fleet's images in the sandbox's ECR, read with the real AWS CLI: the tag a plan resolves to a digest. */
describe('AWS CLI ECR against the sandbox', { skip: available ? false : AWS_CLI_MISSING }, () => {
  let running: RunningSandbox;
  let cli: ReturnType<typeof awsCli>;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T10:30:00Z') });
    cli = awsCli(running.url);
  });
  after(() => running?.close());

  it('describe-images --image-ids imageTag=… resolves the tag codeflow-service runs to its digest', async () => {
    const out = await cli.aws('ecr', 'describe-images', '--repository-name', 'codeflow', '--image-ids', 'imageTag=v1.4.2');
    assert.equal(out.imageDetails.length, 1);
    const [image] = out.imageDetails;
    assert.match(image.imageDigest, /^sha256:[a-f0-9]{64}$/);
    assert.equal(image.imageDigest, running.sandbox.world.ecrImageByTag('codeflow', 'v1.4.2')!.digest);
    assert.deepEqual(image.imageTags, ['v1.4.2']);
    assert.equal(image.registryId, '123456789012');
    // And back: the digest names the same image.
    const byDigest = await cli.aws('ecr', 'describe-images', '--repository-name', 'codeflow', '--image-ids', `imageDigest=${image.imageDigest}`);
    assert.deepEqual(byDigest.imageDetails[0].imageTags, ['v1.4.2']);
  });

  it('describe-repositories lists the fleet repositories; describe-images pages through one', async () => {
    const repos = await cli.aws('ecr', 'describe-repositories');
    const names = repos.repositories.map((r: { repositoryName: string }) => r.repositoryName);
    for (const name of ['codeflow', 'payments-api', 'checkout-api']) assert.ok(names.includes(name), names.join(', '));
    const images = await cli.aws('ecr', 'describe-images', '--repository-name', 'payments-api', '--page-size', '1');
    assert.ok(images.imageDetails.length >= 2, `${images.imageDetails.length} images`);
  });

  it('a tag that was never pushed fails with ImageNotFoundException; an unknown repository with RepositoryNotFoundException', async () => {
    assert.match(await cli.awsFails('ecr', 'describe-images', '--repository-name', 'codeflow', '--image-ids', 'imageTag=v1.5.0-unpushed'), /ImageNotFoundException/);
    assert.match(await cli.awsFails('ecr', 'describe-images', '--repository-name', 'no-such-repo', '--image-ids', 'imageTag=v1'), /RepositoryNotFoundException/);
  });
});

import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import type { EcrImageRecord, EcrRepositoryRecord } from '../sim/world';
import type { Sandbox } from '../state';
import { optionalString, pageSize, paginate, requiredString } from './input';

/**
 * Amazon ECR (awsJson 1.1, `AmazonEC2ContainerRegistry_V20150921`): the account's repositories
 * with the fleet's images, tag → digest, kept with the world.
 *
 * The sandbox's convention (like the tag words "bad" and "slow"): a repository of the fleet has
 * every tag anyone asks for, as if CI had pushed each build — the first lookup records it with a
 * digest fixed by the world's seed, so a tag keeps its digest — except tags with the word
 * `unpushed`, which ECR does not have (ImageNotFoundException).
 */
const UNPUSHED = /(^|[-_.])unpushed([-_.]|$)/i;

const repositoryNotFound = (name: string, registryId: string) =>
  new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);

const imageOut = (registryId: string, repo: EcrRepositoryRecord, image: EcrImageRecord) => ({
  registryId,
  repositoryName: repo.name,
  imageDigest: image.digest,
  ...(image.tags.length ? { imageTags: image.tags } : {}),
  imageSizeInBytes: image.sizeBytes,
  // awsJson timestamps are epoch seconds.
  imagePushedAt: image.pushedAt / 1000,
  imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  artifactMediaType: 'application/vnd.docker.container.image.v1+json',
});

export function ecrService(sandbox: Sandbox): ServiceDefinition {
  const repositoryOf = (input: Record<string, unknown>): EcrRepositoryRecord => {
    const name = requiredString(input, 'repositoryName', 'InvalidParameterException');
    const registryId = optionalString(input, 'registryId') ?? sandbox.accountId;
    if (!/^\d{12}$/.test(registryId)) throw new AwsError('InvalidParameterException', `Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression pattern: [0-9]{12}'`);
    const repo = registryId === sandbox.accountId ? sandbox.world.ecrRepositories.get(name) : undefined;
    if (!repo) throw repositoryNotFound(name, registryId);
    return repo;
  };

  return {
    signingName: 'ecr',
    protocols: ['awsJson1_1'],
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    operations: {
      DescribeRepositories(input) {
        const names = input.repositoryNames;
        const all = [...sandbox.world.ecrRepositories.values()];
        const wanted = Array.isArray(names) ? names.map((n) => repositoryOf({ repositoryName: n, registryId: input.registryId })) : all;
        const { page, next } = paginate(wanted, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 1000, 100));
        return {
          repositories: page.map((r) => ({ repositoryArn: r.arn, registryId: sandbox.accountId, repositoryName: r.name, repositoryUri: r.uri, createdAt: r.createdAt / 1000, imageTagMutability: 'MUTABLE' })),
          ...(next ? { nextToken: next } : {}),
        };
      },

      DescribeImages(input) {
        const repo = repositoryOf(input);
        const ids = input.imageIds;
        if (ids !== undefined && ids !== null) {
          if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) throw new AwsError('InvalidParameterException', 'imageIds must hold between 1 and 100 image ids.');
          if (input.nextToken !== undefined || input.maxResults !== undefined) throw new AwsError('InvalidParameterException', 'Cannot specify nextToken or maxResults with imageIds.');
          const found: EcrImageRecord[] = [];
          for (const id of ids as { imageTag?: unknown; imageDigest?: unknown }[]) {
            const tag = typeof id?.imageTag === 'string' ? id.imageTag : undefined;
            const digest = typeof id?.imageDigest === 'string' ? id.imageDigest : undefined;
            if (!tag && !digest) throw new AwsError('InvalidParameterException', 'An image id needs an imageTag or an imageDigest.');
            let image = repo.images.find((i) => (!digest || i.digest === digest) && (!tag || i.tags.includes(tag)));
            if (!image && tag && !digest && !UNPUSHED.test(tag) && /^[\w][\w.-]{0,127}$/.test(tag)) image = sandbox.world.pushEcrImage(repo.name, tag, sandbox.now());
            if (!image) {
              throw new AwsError(
                'ImageNotFoundException',
                `The image with imageId {imageDigest:'${digest ?? 'null'}', imageTag:'${tag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${sandbox.accountId}'`,
              );
            }
            if (!found.includes(image)) found.push(image);
          }
          return { imageDetails: found.map((i) => imageOut(sandbox.accountId, repo, i)) };
        }
        const status = (input.filter as { tagStatus?: unknown } | undefined)?.tagStatus ?? 'ANY';
        const images = repo.images.filter((i) => status === 'ANY' || (status === 'TAGGED' ? i.tags.length > 0 : i.tags.length === 0));
        const { page, next } = paginate(images, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 1000, 100));
        return { imageDetails: page.map((i) => imageOut(sandbox.accountId, repo, i)), ...(next ? { nextToken: next } : {}) };
      },
    },
  };
}

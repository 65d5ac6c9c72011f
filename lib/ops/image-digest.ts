import { describeImageByTag, ecrRegistryOf } from '../aws/ecr';
import { isAppError } from '../errors';
import type { OpsContext } from './context';
import { formatImageRef, parseImageRef, type ImageDigestResolution } from './image-ref';

/**
 * The digest a deploy's image reference names: its own (`@sha256:…`), or the one ECR says its tag
 * points at now (DescribeImages). Registries other than ECR are not read; an ECR that cannot be
 * read is said so, never guessed. Whether a missing digest refuses the deploy is the policy's call
 * (imagePolicyGuards).
 */
export async function resolveImageDigest(ctx: OpsContext, image: string): Promise<ImageDigestResolution> {
  const ref = parseImageRef(image);
  if (!ref) return { status: 'not_ecr', digest: null, detail: 'not an image reference' };
  if (ref.digest) return { status: 'pinned', digest: ref.digest, detail: `pinned to ${ref.digest}` };
  const registry = ref.registry ? ecrRegistryOf(ref.registry) : null;
  if (!registry || !ref.tag) return { status: 'not_ecr', digest: null, detail: `${ref.registry ?? 'docker.io'} is not an ECR registry, so the digest of tag ${ref.tag ?? '(none)'} is not read` };
  try {
    const found = await describeImageByTag(ctx.aws, { ...registry, repository: ref.repository, tag: ref.tag });
    if (!found) return { status: 'not_found', digest: null, detail: `ECR has no image tagged ${ref.tag} in ${ref.repository}` };
    return { status: 'resolved', digest: found.digest, detail: `ECR: ${ref.repository}:${ref.tag} is ${found.digest}${found.pushedAt ? `, pushed ${found.pushedAt}` : ''}` };
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') return { status: 'not_found', digest: null, detail: `ECR has no repository ${ref.repository} in registry ${registry.registryId} (${registry.region})` };
    if (isAppError(e)) return { status: 'unreadable', digest: null, detail: `ECR could not be read for the digest of ${ref.repository}:${ref.tag} (${e.message})` };
    throw e;
  }
}

/** The reference a revision is registered with: the tag kept for people, pinned to the digest that was reviewed. */
export function pinnedImage(image: string, digest: string | null): string {
  const ref = parseImageRef(image);
  if (!ref || !digest) return image;
  return formatImageRef({ ...ref, digest });
}

import { AppError } from '../errors';

/**
 * Container image references as Docker and ECR write them: `[registry[:port]/]repo/path[:tag][@sha256:digest]`.
 * A bare tag (`v1.5.0`, `:v1.5.0`) or digest (`sha256:…`, `@sha256:…`) applies to the current image's repository.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REGISTRY = '(?:localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const FULL = new RegExp(`^(?:(${REGISTRY})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const BARE_TAG = new RegExp(`^:?(${TAG})$`);
const BARE_DIGEST = new RegExp(`^@?(${DIGEST})$`);

export interface ImageRef {
  registry: string | null;
  repository: string;
  tag: string | null;
  digest: string | null;
}

export function parseImageRef(ref: string): ImageRef | null {
  if (ref.length > 512) return null;
  const m = FULL.exec(ref);
  if (!m) return null;
  // "localhost:5000/x" parses with a registry; "nginx:1.27" parses as repository + tag.
  return { registry: m[1] ?? null, repository: m[2]!, tag: m[3] ?? null, digest: m[4] ?? null };
}

export function formatImageRef(r: ImageRef): string {
  return `${r.registry ? `${r.registry}/` : ''}${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** The image to deploy: `input` resolved against the container's current image; 400 naming `image` when invalid. */
export function resolveImage(input: string, currentImage: string): string {
  const value = input.trim();
  const current = parseImageRef(currentImage);
  const digest = BARE_DIGEST.exec(value);
  if (digest && current) return formatImageRef({ ...current, tag: current.tag, digest: digest[1]! });
  // No slash, no colon inside: a tag, not a Docker Hub repository name (those need a tag or a path).
  const tag = !value.includes('/') && !/.:/.test(value) ? BARE_TAG.exec(value) : null;
  if (tag && current) return formatImageRef({ ...current, tag: tag[1]!, digest: null });
  const parsed = parseImageRef(value);
  if (!parsed || (!parsed.tag && !parsed.digest)) {
    throw new AppError(
      'invalid',
      `image: "${value.slice(0, 120)}" is not a valid image reference; give registry/repository:tag, repository@sha256:<64 hex digits>, or just a tag (v1.5.0) or digest for the current repository`,
    );
  }
  return formatImageRef(parsed);
}

/** The image rules of an environment (policy.environments.<name>.images). */
export interface ImagePolicy {
  /** Registry hosts images may come from; `account-ecr` means the service's own account's ECR (any Region). */
  allowedRegistries: string[];
  /** Tags refused because they move (`latest`): deploy an immutable tag or a digest instead. */
  mutableTags: string[];
  /**
   * A tag must resolve to a digest (in ECR) or the deploy is refused: what runs is then exactly
   * what was reviewed. On in production by default.
   */
  requireDigest: boolean;
}

/** What the plan learnt about the image's digest (lib/ops/image-digest.ts). */
export interface ImageDigestResolution {
  /** pinned: the reference names its digest; resolved: ECR told the tag's digest; the rest: no digest known. */
  status: 'pinned' | 'resolved' | 'not_found' | 'not_ecr' | 'unreadable';
  digest: string | null;
  /** One sentence for the plan. */
  detail: string;
}

/** The registry an image reference points at, as Docker resolves it (no registry → Docker Hub). */
export function registryOf(ref: ImageRef): string {
  return ref.registry ?? 'docker.io';
}

/**
 * The image guards of a deploy: where the image comes from, and whether its tag can move under
 * the revision. `serviceArn` gives the account whose ECR `account-ecr` stands for.
 */
export function imagePolicyGuards(image: string, serviceArn: string, policy: ImagePolicy, digest?: ImageDigestResolution): { id: string; label: string; status: 'ok' | 'blocked'; detail: string }[] {
  const ref = parseImageRef(image);
  if (!ref) return [];
  const account = serviceArn.split(':')[4] ?? '';
  const registry = registryOf(ref);
  const accountEcr = new RegExp(`^${account}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$`);
  const allowed = policy.allowedRegistries.some((r) => (r === 'account-ecr' ? accountEcr.test(registry) : r === registry));
  const names = policy.allowedRegistries.map((r) => (r === 'account-ecr' ? `the account's ECR (${account}.dkr.ecr.<region>.amazonaws.com)` : r)).join(', ');
  const guards: { id: string; label: string; status: 'ok' | 'blocked'; detail: string }[] = [
    allowed
      ? { id: 'image_registry', label: 'Registry', status: 'ok', detail: `${registry} is allowed here` }
      : { id: 'image_registry', label: 'Registry', status: 'blocked', detail: `${registry} is not an allowed registry here (allowed: ${names || 'none'})` },
  ];
  if (ref.digest) guards.push({ id: 'image_tag', label: 'Image digest', status: 'ok', detail: `pinned to ${ref.digest}` });
  else if (ref.tag && policy.mutableTags.includes(ref.tag)) guards.push({ id: 'image_tag', label: 'Image tag', status: 'blocked', detail: `"${ref.tag}" is a mutable tag, refused here: deploy an immutable tag (e.g. v1.5.0) or a digest (@sha256:…)` });
  else if (digest?.status === 'resolved') guards.push({ id: 'image_tag', label: 'Image digest', status: 'ok', detail: `tag ${ref.tag} is ${digest.digest} in ECR; the new revision is pinned to that digest, so what runs is what you review here` });
  else if (policy.requireDigest && allowed) guards.push({ id: 'image_tag', label: 'Image digest', status: 'blocked', detail: `${digest?.detail ?? `the digest of tag ${ref.tag} is not known`}; refused here, where a deploy must name the exact image: push the tag to ECR (or give @sha256:<digest>) and plan again` });
  else guards.push({ id: 'image_tag', label: 'Image tag', status: 'ok', detail: `tag ${ref.tag}${policy.mutableTags.length ? ` (not one of the refused mutable tags: ${policy.mutableTags.join(', ')})` : ''}; ${digest?.detail ?? 'its digest was not read'}, so the revision names the tag, not a digest` });
  return guards;
}

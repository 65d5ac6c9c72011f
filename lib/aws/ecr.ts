/**
 * Amazon ECR, read to resolve an image tag to the digest it points at (DescribeImages), so a plan
 * can show, and a deploy can pin, the exact image that was reviewed.
 *
 * ECR is spoken here over its wire protocol (awsJson 1.1, `X-Amz-Target:
 * AmazonEC2ContainerRegistry_V20150921.<Operation>`, SigV4 with signing name `ecr`) instead of
 * through @aws-sdk/client-ecr, which is not among Codeflow's dependencies: the call is one small
 * JSON POST. Credentials come from the ECS client's own resolved provider (the SDK's default chain,
 * or the static credentials tests pass), errors are shaped like the SDK's so lib/aws/errors.ts
 * maps them as for every other call, and the call has the same deadline and retries.
 */
import { awsCallStarted } from '../observability/hooks';
import { toAppError } from './errors';
import { signRequest, type SigningCredentials } from './sigv4';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';

export interface EcrClientOptions {
  /** The client's Region; an image in another Region's registry is read there. */
  region: string;
  /** Only for emulators (sandbox, moto): every Region is served at this endpoint. */
  endpoint?: string;
  credentials: () => Promise<SigningCredentials>;
  maxAttempts: number;
  /** Per attempt. */
  requestTimeoutMs: number;
}

export class EcrClient {
  constructor(readonly options: EcrClientOptions) {}

  endpointFor(region: string): URL {
    if (this.options.endpoint) return new URL(this.options.endpoint);
    return new URL(`https://api.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`);
  }
}

/** An ECR error as the SDK would raise it: `name` is the modelled shape, `$metadata` carries status and request id. */
class EcrServiceError extends Error {
  constructor(
    name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number; requestId?: string },
  ) {
    super(message);
    this.name = name;
  }
}

const RETRYABLE = (e: unknown) => {
  if (e instanceof EcrServiceError) return e.$metadata.httpStatusCode >= 500 || /Throttl|TooManyRequests/.test(e.name) || e.$metadata.httpStatusCode === 429;
  return !(e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'));
};

/**
 * One ECR call (the operation name is the IAM action: `ecr:<operation>`). Bounded by `deadlineMs`
 * with its retries; every outcome reported to the observability hooks; failures as AppErrors.
 */
export async function callEcr<T>(client: EcrClient, operation: string, input: Record<string, unknown>, opts: { deadlineMs: number; region?: string }): Promise<T> {
  const region = opts.region ?? client.options.region;
  const url = client.endpointFor(region);
  const body = JSON.stringify(input);
  const deadline = AbortSignal.timeout(opts.deadlineMs);
  const ended = awsCallStarted({ service: 'ECR', operation });
  let requestId: string | undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const headers = signRequest(
          { method: 'POST', url, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECR_TARGET_PREFIX}.${operation}` }, body },
          await client.options.credentials(),
          { region, service: 'ecr' },
        );
        delete headers.host; // fetch sends the URL's host, which is what was signed
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.any([deadline, AbortSignal.timeout(client.options.requestTimeoutMs)]) });
        requestId = res.headers.get('x-amzn-requestid') ?? undefined;
        const text = await res.text();
        if (res.ok) {
          const output = (text ? JSON.parse(text) : {}) as T;
          ended({ outcome: 'ok', requestId });
          return output;
        }
        const parsed = (() => {
          try {
            return JSON.parse(text) as { __type?: string; message?: string; Message?: string };
          } catch {
            return {};
          }
        })();
        // `__type` may be namespaced (`com.amazonaws.ecr#ImageNotFoundException`) or carry a suffix after `:`.
        const type = (res.headers.get('x-amzn-errortype') ?? parsed.__type ?? `Http${res.status}`).split(':')[0]!.split('#').pop()!;
        throw new EcrServiceError(type, parsed.message ?? parsed.Message ?? '', { httpStatusCode: res.status, requestId });
      } catch (e) {
        if (deadline.aborted || attempt >= client.options.maxAttempts || !RETRYABLE(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt * Math.random())));
      }
    }
  } catch (e) {
    const error = toAppError(deadline.aborted ? Object.assign(new Error('deadline'), { name: 'TimeoutError' }) : e, operation, { service: 'ECR', deadlineMs: opts.deadlineMs });
    ended({ outcome: error.code, requestId: error.requestId ?? requestId, error });
    throw error;
  }
}

/** An image in an ECR repository, as DescribeImages reports it. */
export interface EcrImage {
  registryId: string;
  repository: string;
  digest: string;
  tags: string[];
  pushedAt: string | null;
  sizeBytes: number | null;
}

interface ImageDetailWire {
  registryId?: string;
  repositoryName?: string;
  imageDigest?: string;
  imageTags?: string[];
  imagePushedAt?: number;
  imageSizeInBytes?: number;
}

/** The ECR registry a host names (`<account>.dkr.ecr.<region>.amazonaws.com[.cn]`), or null when it is not ECR. */
export function ecrRegistryOf(host: string): { registryId: string; region: string } | null {
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  return m ? { registryId: m[1]!, region: m[2]! } : null;
}

/**
 * The image `tag` names in `repository` of the registry `registryId` (in `region`), or null when
 * the repository holds no image with that tag. A missing repository is a not_found AppError.
 */
export async function describeImageByTag(aws: { ecr: EcrClient; deadlineMs: number }, ref: { registryId: string; region: string; repository: string; tag: string }): Promise<EcrImage | null> {
  let out: { imageDetails?: ImageDetailWire[] };
  try {
    out = await callEcr(aws.ecr, 'DescribeImages', { registryId: ref.registryId, repositoryName: ref.repository, imageIds: [{ imageTag: ref.tag }] }, { deadlineMs: aws.deadlineMs, region: ref.region });
  } catch (e) {
    if ((e as { cause?: { name?: string } }).cause?.name === 'ImageNotFoundException') return null;
    throw e;
  }
  const d = out.imageDetails?.find((x) => x.imageDigest) ?? null;
  if (!d) return null;
  return {
    registryId: d.registryId ?? ref.registryId,
    repository: d.repositoryName ?? ref.repository,
    digest: d.imageDigest!,
    tags: d.imageTags ?? [],
    // awsJson timestamps are epoch seconds.
    pushedAt: typeof d.imagePushedAt === 'number' ? new Date(d.imagePushedAt * 1000).toISOString() : null,
    sizeBytes: d.imageSizeInBytes ?? null,
  };
}

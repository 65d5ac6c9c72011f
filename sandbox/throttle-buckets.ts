import { THROTTLE_BUCKETS, awsServiceIdOf, throttleBucketOf, type ThrottleBucketName } from '../lib/aws/throttle-buckets';

export interface ThrottleBucketReport {
  /** Present for calls into an account other than the sandbox's first (organisation mode). */
  account?: string;
  region: string;
  bucket: ThrottleBucketName;
  refillPerSecond: number;
  capacity: number;
  calls: number;
  throttled: number;
  /** The most calls received in any one second (throttled ones included: AWS counts those too). */
  peakPerSecond: number;
}

/**
 * AWS's throttle buckets as the sandbox plays them: per account and Region, a
 * token bucket per bucket of lib/aws/throttle-buckets.ts at AWS's full burst and refill. Every call
 * is counted per second, enforced or not, so benches can print the peak rate AWS would have seen;
 * when enforcing, a call finding the bucket empty is answered with ThrottlingException.
 */
export class SandboxThrottle {
  private readonly buckets = new Map<string, { account?: string; region: string; bucket: ThrottleBucketName; tokens: number; at: number; calls: number; throttled: number; peak: number; second: number; inSecond: number }>();

  constructor(
    public enforce: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** False when the call must be throttled. `account` names a member account (its buckets are its own). */
  admit(signingName: string, operation: string, region: string, account?: string): boolean {
    const service = awsServiceIdOf(signingName);
    const name = service ? throttleBucketOf(service, operation) : null;
    if (!name) return true;
    const aws = THROTTLE_BUCKETS[name];
    const key = account ? `${account}/${region}/${name}` : `${region}/${name}`;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { ...(account ? { account } : {}), region, bucket: name, tokens: aws.capacity, at: t, calls: 0, throttled: 0, peak: 0, second: 0, inSecond: 0 };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(aws.capacity, b.tokens + ((t - b.at) / 1000) * aws.refillPerSecond);
    b.at = t;
    b.calls++;
    const second = Math.floor(t / 1000);
    if (second !== b.second) {
      b.second = second;
      b.inSecond = 0;
    }
    b.peak = Math.max(b.peak, ++b.inSecond);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    if (!this.enforce) return true;
    b.throttled++;
    return false;
  }

  report(): ThrottleBucketReport[] {
    return [...this.buckets.values()].map((b) => ({
      ...(b.account ? { account: b.account } : {}),
      region: b.region,
      bucket: b.bucket,
      refillPerSecond: THROTTLE_BUCKETS[b.bucket].refillPerSecond,
      capacity: THROTTLE_BUCKETS[b.bucket].capacity,
      calls: b.calls,
      throttled: b.throttled,
      peakPerSecond: b.peak,
    }));
  }

  reset(): void {
    this.buckets.clear();
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { THROTTLE_BUCKETS, type ThrottleBucketName } from './throttle-buckets';

/** Whose quota a call spends: AWS throttles per account and Region. */
export interface QuotaScope {
  account: string;
  region: string;
}

export interface BucketStats {
  account: string;
  region: string;
  bucket: ThrottleBucketName;
  /** AWS's documented refill rate for the bucket, calls per second. */
  awsRefillPerSecond: number;
  /** Codeflow's share of it right now (after any throttling shrank it), calls per second. */
  budgetPerSecond: number;
  /** The share in percent of AWS's rate, as configured and shrunk by throttling. */
  effectivePct: number;
  calls: number;
  /** The most calls granted in any one wall-clock second. */
  peakPerSecond: number;
  throttled: number;
  waiting: number;
}

/** After a throttle the share halves; it grows back by this fraction of the configured share per second without one. */
const RECOVERY_PER_SECOND = 0.05;
const MIN_FACTOR = 0.05;

type Priority = 'write' | 'background';
/** Calls made inside `runWithWritePriority` (deploy, rollback, scale and their verification) never wait for a token. */
// On globalThis for the same reason as the clients' budgets (lib/aws/client.ts): a call made under
// one route bundle's copy of this module is read by another copy's `send`.
const PRIORITY = Symbol.for('codeflow.awsCallPriority');
type Holder = { [PRIORITY]?: AsyncLocalStorage<Priority> };
const priority: AsyncLocalStorage<Priority> = ((globalThis as Holder)[PRIORITY] ??= new AsyncLocalStorage<Priority>());

export function runWithWritePriority<T>(fn: () => Promise<T>): Promise<T> {
  return priority.run('write', fn);
}

/** Scheduled refreshes (the fleet feed): their reads wait behind the ones a person is waiting for. */
export function runInBackground<T>(fn: () => Promise<T>): Promise<T> {
  return priority.run('background', fn);
}

class Bucket {
  private tokens: number;
  private updatedAt: number;
  private factorAtThrottle = 1;
  private throttledAt = -Infinity;
  private readonly waiters: (() => void)[] = [];
  private readonly backgroundWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  calls = 0;
  throttled = 0;
  peakPerSecond = 0;
  private second = 0;
  private inSecond = 0;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  factor(): number {
    return Math.min(1, this.factorAtThrottle + (RECOVERY_PER_SECOND * (this.now() - this.throttledAt)) / 1000);
  }

  rate(): number {
    return this.refillPerSecond * this.factor();
  }

  private refill(): void {
    const t = this.now();
    const cap = Math.max(1, this.capacity * this.factor());
    this.tokens = Math.min(cap, this.tokens + ((t - this.updatedAt) / 1000) * this.rate());
    this.updatedAt = t;
  }

  private grant(): void {
    this.tokens -= 1;
    this.calls++;
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.inSecond = 0;
    }
    this.inSecond++;
    this.peakPerSecond = Math.max(this.peakPerSecond, this.inSecond);
  }

  take(kind: Priority | undefined): Promise<void> | undefined {
    this.refill();
    // A write goes first even into debt: the reads queued behind it wait the longer.
    if (kind === 'write' || (this.waiting() === 0 && this.tokens >= 1)) {
      this.grant();
      return undefined;
    }
    return new Promise<void>((resolve) => {
      (kind === 'background' ? this.backgroundWaiters : this.waiters).push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.waiting() === 0) return;
    const waitMs = Math.max(1, ((1 - this.tokens) / this.rate()) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiting() > 0 && this.tokens >= 1) {
        this.grant();
        (this.waiters.shift() ?? this.backgroundWaiters.shift())!();
      }
      this.schedule();
    }, waitMs);
  }

  onThrottled(): void {
    this.throttled++;
    this.factorAtThrottle = Math.max(MIN_FACTOR, this.factor() / 2);
    this.throttledAt = this.now();
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  waiting(): number {
    return this.waiters.length + this.backgroundWaiters.length;
  }
}

/**
 * Codeflow's share of each AWS throttle bucket, per account and Region: a token bucket with
 * `sharePct` of AWS's burst and refill. Reads wait for a token (so a fleet larger than the budget
 * refreshes more slowly instead of throttling the account's deploy tools); writes never wait.
 * A throttling response halves the share, which grows back while no more come.
 */
export class QuotaBudget {
  private readonly buckets = new Map<string, { scope: QuotaScope; name: ThrottleBucketName; bucket: Bucket }>();
  private readonly now: () => number;

  constructor(
    readonly sharePct: number,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private bucketFor(scope: QuotaScope, name: ThrottleBucketName): Bucket {
    const key = `${scope.account}/${scope.region}/${name}`;
    let held = this.buckets.get(key);
    if (!held) {
      const aws = THROTTLE_BUCKETS[name];
      const share = this.sharePct / 100;
      held = { scope, name, bucket: new Bucket(aws.capacity * share, aws.refillPerSecond * share, this.now) };
      this.buckets.set(key, held);
    }
    return held.bucket;
  }

  /** Resolves when the call may go out; at once for writes and while the bucket has tokens. */
  take(scope: QuotaScope, name: ThrottleBucketName): Promise<void> | undefined {
    return this.bucketFor(scope, name).take(priority.getStore());
  }

  /** AWS answered with throttling: Codeflow's share shrinks until it stops. */
  throttled(scope: QuotaScope, name: ThrottleBucketName): void {
    this.bucketFor(scope, name).onThrottled();
  }

  /** The share in percent of AWS's rate Codeflow is using now (the configured one unless throttling shrank it). */
  effectivePct(scope: QuotaScope, name: ThrottleBucketName): number {
    return Math.round(this.sharePct * this.bucketFor(scope, name).factor());
  }

  stats(): BucketStats[] {
    return [...this.buckets.values()].map(({ scope, name, bucket }) => ({
      account: scope.account,
      region: scope.region,
      bucket: name,
      awsRefillPerSecond: THROTTLE_BUCKETS[name].refillPerSecond,
      budgetPerSecond: bucket.rate(),
      effectivePct: this.effectivePct(scope, name),
      calls: bucket.calls,
      peakPerSecond: bucket.peakPerSecond,
      throttled: bucket.throttled,
      waiting: bucket.waiting(),
    }));
  }
}

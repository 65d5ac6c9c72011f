import type { AwsClients } from '../aws/client';
import type { Db } from '../db/client';
import { AppError } from '../errors';
import type { ApprovalNoticeConfig } from './approval-notice';
import type { PolicyConfig } from './policy-config';

/** What the pipeline needs, passed in so tests run it against the sandbox and a fresh database. */
export interface OpsContext {
  db: Db;
  aws: AwsClients;
  policy: PolicyConfig;
  /**
   * AWS's time (epoch ms): bake time, verify deadlines and metric windows are measured in it, so
   * they follow the sandbox's clock when a test advances it. Real AWS: the wall clock.
   */
  awsNow(): Promise<number>;
  /** Where an operation waiting for approval is announced (the incidents' webhooks); absent, nowhere. */
  notify?: ApprovalNoticeConfig;
  /**
   * How often an executing process touches its operation, and how old that touch may get before the
   * runner takes the operation over as orphaned (defaults: 5 s and 20 s). The crash tests shorten both.
   */
  execution?: { heartbeatMs: number; staleMs: number };
}

/**
 * AWS's clock: the wall clock for real AWS, or the clock at `clockUrl` (JSON `{ now }`) that the
 * sandbox's start path hands over. Against the sandbox without it, or when it cannot be read, it
 * throws: measuring bake times in the wrong clock would pass or fail verifications silently.
 */
export function awsClock(clockUrl: string | undefined, sandbox: boolean): () => Promise<number> {
  if (!clockUrl) {
    if (!sandbox) return async () => Date.now();
    return async () => {
      throw new AppError('unavailable', 'Codeflow runs against the sandbox but was not given its clock (CODEFLOW_AWS_CLOCK_URL, set by `codeflow start`), so it cannot measure bake times or deadlines; start it with `codeflow start`.');
    };
  }
  return async () => {
    let now: number;
    try {
      const res = await fetch(clockUrl, { signal: AbortSignal.timeout(3000) });
      now = Date.parse(((await res.json()) as { now?: string }).now ?? '');
    } catch (e) {
      throw new AppError('unavailable', `The AWS clock at ${clockUrl} could not be read (${e instanceof Error ? e.message : 'no answer'}); verification waits until it can.`, { cause: e });
    }
    if (Number.isNaN(now)) throw new AppError('unavailable', `The AWS clock at ${clockUrl} did not answer with a time; verification waits until it does.`);
    return now;
  };
}

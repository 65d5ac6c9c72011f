import type { AwsClients } from '../aws/client';
import type { Db } from '../db/client';
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
}

/** The sandbox reports its simulated time on its admin API; anything else is real AWS and wall time. */
export function awsClockFor(endpoint: string | undefined, sandbox: boolean): () => Promise<number> {
  if (!endpoint || !sandbox) return async () => Date.now();
  const url = `${endpoint.replace(/\/$/, '')}/_sandbox/state`;
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json()) as { now?: string };
      const t = body.now ? Date.parse(body.now) : NaN;
      return Number.isNaN(t) ? Date.now() : t;
    } catch {
      return Date.now();
    }
  };
}

import { findPlace, type Place, type PlaceRef } from '../accounts/places';
import type { AwsClients } from '../aws/client';
import type { Db } from '../db/client';
import { AppError, invalidField } from '../errors';
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
  /** Every configured account × Region and how to reach each; absent in tests, which work in one place through `aws`. */
  places?: OpsPlaces;
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

/**
 * The configured accounts × Regions as the pipeline sees them: where a request naming none goes
 * (the first, home), and the clients a place is read with, and a person's write there runs with
 * (in a member account, its operator role with the person in the session name).
 */
export interface OpsPlaces {
  all: readonly Place[];
  read(place: PlaceRef): AwsClients;
  write(place: PlaceRef, person: string): AwsClients;
}

/** Where a service is, as operations and locks record it. */
export interface RowPlace {
  account: string;
  region: string;
}

/** Home: the first configured place; without `places` (tests), account "default" in the clients' Region. */
export function homeOf(ctx: OpsContext): Place {
  return ctx.places?.all[0] ?? { accountId: 'default', region: ctx.aws.region, accountName: 'default', environment: undefined, clusters: [], role: undefined, home: true };
}

/** The configured place a request or a row names (home when it names none); unknown ones are refused, naming the field. */
export function placeIn(ctx: OpsContext, where: Partial<RowPlace> = {}): Place {
  const home = homeOf(ctx);
  if (!where.account && !where.region) return home;
  const found = findPlace(ctx.places?.all ?? [home], { account: where.account, region: where.region });
  if (!found.ok) throw invalidField(found.field, found.message);
  return found.place;
}

/** The context for work on a place: its read clients, or with `person`, that person's write clients there. */
export function atPlace(ctx: OpsContext, where: RowPlace, person?: string | null): OpsContext {
  if (!ctx.places) return ctx;
  const place = placeIn(ctx, where);
  return { ...ctx, aws: person ? ctx.places.write(place, person) : ctx.places.read(place) };
}

import type { STSClient } from '@aws-sdk/client-sts';
import { findPlace, placeKey, type Place, type PlaceRef } from '../accounts/places';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { createAwsClients, type AwsClients } from './client';
import { QuotaBudget } from './quota-budget';
import { RoleCredentials } from './role-credentials';
import { createStsClient, getCallerIdentity, roleSessionName } from './sts';

/**
 * The process's AWS clients: one set per account × Region (each with its own quota scope), reaching
 * member accounts through their read role. On globalThis, as the fleet feed is: Next may evaluate
 * this module once per route bundle, and two copies would each spend the whole AWS budget (and
 * each hold their own connections and assumed-role credentials).
 */
interface ProcessAws {
  budget: QuotaBudget;
  sts: STSClient;
  roles: RoleCredentials;
  byPlace: Map<string, AwsClients>;
  /** Write clients per place and person (the session name carries who acted), newest last. */
  writers: Map<string, AwsClients>;
}

const KEY = Symbol.for('codeflow.awsClients');
type Holder = { [KEY]?: ProcessAws };
const MAX_WRITERS = 64;

function processAws(): ProcessAws {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const config = getConfig();
    const sts = createStsClient({ region: config.region, endpoint: config.endpoint, requestTimeoutMs: config.aws.requestTimeoutMs, callDeadlineMs: config.aws.callDeadlineMs });
    holder[KEY] = { budget: new QuotaBudget(config.aws.budgetPct), sts, roles: new RoleCredentials(sts, { deadlineMs: config.aws.callDeadlineMs }), byPlace: new Map(), writers: new Map() };
  }
  return holder[KEY];
}

/** The configured place for `ref`; home when absent. Unknown places are refused (not_found). */
export function placeOf(ref?: PlaceRef): Place {
  const { places } = getConfig();
  if (!ref) return places[0]!;
  const found = findPlace(places, { account: ref.accountId, region: ref.region });
  if (!found.ok) throw new AppError('not_found', found.message);
  return found.place;
}

/** The read clients of a place (home when absent); the CLI and tests can call `createAwsClients` directly. */
export function getAwsClients(ref?: PlaceRef): AwsClients {
  const place = placeOf(ref);
  const aws = processAws();
  const key = placeKey(place);
  let clients = aws.byPlace.get(key);
  if (!clients) {
    const role = place.role;
    const session = role && { roleArn: role.readArn, sessionName: 'codeflow-read', externalId: role.externalId };
    clients = build(place, session && aws.roles.provider({ id: place.accountId, name: place.accountName }, session), session && (() => aws.roles.invalidate(session)));
    aws.byPlace.set(key, clients);
  }
  return clients;
}

/**
 * The clients a write runs with: in a member account, its operator role with the acting person in
 * the session name (`codeflow-olga@example.com`), so the account's CloudTrail says who acted; in
 * an account reached with Codeflow's own credentials, the read clients.
 */
export function getAwsWriteClients(ref: PlaceRef | undefined, person: string): AwsClients {
  const place = placeOf(ref);
  const role = place.role;
  if (!role) return getAwsClients(place);
  const aws = processAws();
  const sessionName = roleSessionName('codeflow', person);
  const key = `${placeKey(place)}|${sessionName}`;
  let clients = aws.writers.get(key);
  if (clients) aws.writers.delete(key);
  else {
    const session = { roleArn: role.operatorArn, sessionName, externalId: role.externalId };
    clients = build(place, aws.roles.provider({ id: place.accountId, name: place.accountName }, session), () => aws.roles.invalidate(session));
  }
  aws.writers.set(key, clients);
  if (aws.writers.size > MAX_WRITERS) aws.writers.delete(aws.writers.keys().next().value!);
  return clients;
}

/** How many sts:AssumeRole calls this process made (the bench's "≤ one per account per lifetime"). */
export function assumeRoleCalls(): number {
  return processAws().roles.calls;
}

function build(place: Place, credentials: Parameters<typeof createAwsClients>[0]['credentials'], onCredentialsRejected?: () => void): AwsClients {
  const config = getConfig();
  const { budgetPct: _budgetPct, ...aws } = config.aws;
  return createAwsClients({ region: place.region, endpoint: config.endpoint, ...aws, credentials, budget: processAws().budget, account: place.accountId, onCredentialsRejected });
}

export interface AccountCheck {
  account: string;
  accountName: string;
  /** Who Codeflow is in the account (the assumed role's session, or its own identity). */
  arn: string | null;
  /** Why the account cannot be read as configured; null when it can. */
  error: string | null;
}

/**
 * Each configured account asked who Codeflow is there (sts:GetCallerIdentity with the account's read
 * credentials, assuming its role when it has one), so a refused role or credentials that belong to
 * another account are named when Codeflow starts rather than found on a page. One account failing
 * never stops the others.
 */
export async function checkAccounts(): Promise<AccountCheck[]> {
  const config = getConfig();
  const firstOfEach = [...new Map(config.places.map((p) => [p.accountId, p])).values()];
  return Promise.all(
    firstOfEach.map(async (place): Promise<AccountCheck> => {
      const who = { account: place.accountId, accountName: place.accountName };
      try {
        const credentials = await getAwsClients(place).ecs.config.credentials();
        const sts = createStsClient({ region: place.region, endpoint: config.endpoint, credentials, requestTimeoutMs: config.aws.requestTimeoutMs, callDeadlineMs: config.aws.callDeadlineMs });
        const identity = await getCallerIdentity(sts, config.aws.callDeadlineMs);
        sts.destroy();
        if (place.accountId !== 'default' && identity.account !== place.accountId) {
          return { ...who, arn: identity.arn, error: `${place.accountName} (${place.accountId}): the credentials Codeflow reads it with belong to account ${identity.account} (${identity.arn}); check the account id or the role` };
        }
        return { ...who, arn: identity.arn, error: null };
      } catch (e) {
        const message = e instanceof AppError ? e.message : 'could not be reached';
        return { ...who, arn: null, error: message.startsWith(place.accountName) ? message : `${place.accountName} (${place.accountId}): ${message}` };
      }
    }),
  );
}

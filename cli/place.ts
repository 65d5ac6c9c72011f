import type { FleetOverview, PlaceStatus } from '../lib/fleet/types';
import { UsageError, type ParsedArgs } from './args';
import { CliError, EXIT } from './remote/exit-codes';

/**
 * The account and Region a command names: `--account` (12-digit id or name) and `--region`, else
 * CODEFLOW_ACCOUNT and CODEFLOW_REGION; what is left unnamed the server takes as its home.
 */
export interface PlaceChoice {
  account?: string;
  region?: string;
}

const ACCOUNT = /^[\w .-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export const placeOptionsUsage = `--account <id | name> the AWS account (default: CODEFLOW_ACCOUNT, else the server's home)
    --region <region>     the AWS Region, e.g. us-west-2 (default: CODEFLOW_REGION, else home's)`;

/** Checked before any request: a bad value is a usage error naming the flag or variable that set it. */
export function placeChoiceOf(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): PlaceChoice {
  const read = (flag: string, variable: string, pattern: RegExp, what: string) => {
    const given = args.flags[flag];
    if (given === true) throw new UsageError(`--${flag} needs a value, e.g. --${flag} ${flag === 'region' ? 'us-east-1' : 'staging'}`);
    const [value, source] = given !== undefined ? [given.trim(), `--${flag}`] : [env[variable]?.trim() ?? '', variable];
    if (value === '') return undefined;
    if (!pattern.test(value)) throw new UsageError(`${source} expects ${what}, got "${value.slice(0, 80)}"`);
    return value;
  };
  const account = read('account', 'CODEFLOW_ACCOUNT', ACCOUNT, 'a 12-digit account id or an account name (letters, digits, spaces and _.-, at most 64)');
  const region = read('region', 'CODEFLOW_REGION', REGION, 'an AWS Region such as us-east-1');
  return { ...(account && { account }), ...(region && { region }) };
}

/** `?account=…&region=…` for a path, empty when nothing is named (the server's home). */
export function placeQueryString(place: PlaceChoice): string {
  const params = new URLSearchParams();
  if (place.account) params.set('account', place.account);
  if (place.region) params.set('region', place.region);
  return params.size > 0 ? `?${params}` : '';
}

/** Every account × Region the fleet holds, home first; from its clusters when the server lists no places. */
export function placesOf(fleet: FleetOverview): PlaceStatus[] {
  if (fleet.places?.length) return fleet.places;
  const seen = new Map<string, PlaceStatus>();
  for (const c of fleet.clusters) {
    const key = `${c.account}/${c.region}`;
    if (!seen.has(key)) seen.set(key, { account: c.account, accountName: c.account, environment: null, region: c.region, loading: false, error: null, clusters: 0 });
  }
  return [...seen.values()];
}

/** Whether a record in `account`/`region` is in the chosen place: account by id or by name (any case). */
export function inPlace(choice: PlaceChoice, where: { account: string; region: string }, places: readonly PlaceStatus[]): boolean {
  if (choice.region && where.region !== choice.region) return false;
  if (!choice.account) return true;
  if (where.account === choice.account) return true;
  const name = places.find((p) => p.account === where.account)?.accountName;
  return name !== undefined && name.toLowerCase() === choice.account.toLowerCase();
}

/**
 * The places a choice selects from the fleet; an account or Region the fleet does not hold is a
 * usage error that lists what it holds.
 */
export function choosePlaces(choice: PlaceChoice, places: readonly PlaceStatus[]): PlaceStatus[] {
  const accounts = [...new Map(places.map((p) => [p.account, `${p.accountName} (${p.account})`])).values()];
  if (choice.account && !places.some((p) => inPlace({ account: choice.account }, p, places))) {
    throw new CliError(`no account "${choice.account}" in this Codeflow; it watches ${accounts.join(', ')}`, EXIT.usage);
  }
  const chosen = places.filter((p) => inPlace(choice, p, places));
  if (chosen.length === 0) {
    const regions = [...new Set(places.filter((p) => inPlace({ account: choice.account }, p, places)).map((p) => p.region))];
    throw new CliError(`no Region ${choice.region}${choice.account ? ` in account ${choice.account}` : ''}; the Regions watched${choice.account ? ' there' : ''} are ${regions.join(', ')}`, EXIT.usage);
  }
  return chosen;
}

/** "staging (210987654321) us-east-1": a place as people read it. */
export function placeName(where: { account: string; region: string }, places: readonly PlaceStatus[]): string {
  const name = places.find((p) => p.account === where.account)?.accountName;
  return name && name !== where.account ? `${name} (${where.account}) ${where.region}` : `${where.account} ${where.region}`;
}

import type { IncomingMessage } from 'node:http';
import type { AwsResponse } from './protocol/request';
import { findSandboxUser } from './oidc/users';
import { isRegionName, type SandboxOrganization } from './organization';
import type { FaultRule, ResetOptions, Sandbox } from './state';

const json = (status: number, body: unknown): AwsResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const isFraction = (v: unknown) => v === undefined || (typeof v === 'number' && v >= 0 && v <= 1);

function parseFaults(body: unknown): FaultRule[] | string {
  const rules = (body as { rules?: unknown })?.rules ?? body;
  if (!Array.isArray(rules)) return 'expected {"rules": [ { service?, operation?, throttleRate?, errorRate?, latencyMs? } ]}';
  for (const rule of rules as FaultRule[]) {
    if (typeof rule !== 'object' || rule === null) return 'each rule must be an object';
    if (!isFraction(rule.throttleRate) || !isFraction(rule.errorRate)) return 'throttleRate and errorRate are fractions between 0 and 1';
    if (rule.latencyMs !== undefined && (typeof rule.latencyMs !== 'number' || rule.latencyMs < 0 || rule.latencyMs > 60_000)) return 'latencyMs is between 0 and 60000';
  }
  return rules as FaultRule[];
}

function summary(sandbox: Sandbox, organization?: SandboxOrganization) {
  const now = sandbox.now();
  return {
    // Which world, in organisation mode (the single-account answer stays as it always was).
    ...(organization ? { account: sandbox.accountId, region: sandbox.region, layout: sandbox.layout.name } : {}),
    now: new Date(now).toISOString(),
    speed: sandbox.clock.speed,
    seed: sandbox.options.seed,
    fleetSize: sandbox.options.fleetSize,
    clusters: [...sandbox.world.clusters.values()].map((c) => ({ name: c.name, services: c.services.size })),
    faults: sandbox.faults,
  };
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Why this request may not use the admin API, or null. A web page the person has open can send a
 * request to a loopback port, and `text/plain` POSTs and forms need no CORS preflight: so a
 * request from any page other than the sandbox's own origin is refused, and a request with a body
 * must say it is JSON (which a page on another origin cannot send without a preflight the sandbox
 * never answers). Tests and the CLI send no Origin at all.
 */
export function adminRequestProblem(req: IncomingMessage, rawBody: string): { status: number; error: string } | null {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const port = req.socket.localPort;
    const own = LOOPBACK_HOSTS.map((host) => `http://${host}:${port}`);
    if (!own.includes(origin.toLowerCase())) return { status: 403, error: `the sandbox admin API refuses cross-origin requests (Origin ${origin}); call it from a script or the CLI` };
  }
  const method = req.method ?? 'GET';
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const needsJson = method === 'POST' || method === 'PUT' || method === 'PATCH' || rawBody.length > 0;
  if (needsJson && method !== 'GET' && method !== 'HEAD' && contentType !== 'application/json') {
    return { status: 415, error: `the sandbox admin API takes application/json (got ${contentType || 'no content type'}); send the header "content-type: application/json"` };
  }
  return null;
}

export interface AdminContext {
  query?: URLSearchParams;
  organization?: SandboxOrganization;
}

/**
 * Which world `?account=<id>&region=<r>` names (the account's home Region when `region` is absent);
 * the primary world without them. An error message when the account is not the sandbox's.
 */
function worldOf(primary: Sandbox, query: URLSearchParams | undefined, organization: SandboxOrganization | undefined): Sandbox | string {
  const accountId = query?.get('account') ?? undefined;
  const region = query?.get('region') ?? undefined;
  if (accountId === undefined && region === undefined) return primary;
  if (!organization) {
    if ((accountId === undefined || accountId === primary.accountId) && (region === undefined || region === primary.region)) return primary;
    return `this sandbox plays one account (${primary.accountId}) in one Region (${primary.region}); start it with an organisation for others`;
  }
  const account = organization.account(accountId ?? organization.home.id);
  if (!account) return `no account ${accountId} in the sandbox's organisation (GET /_sandbox/accounts lists them)`;
  if (region !== undefined && !isRegionName(region)) return `"${region}" is not a Region name`;
  return organization.world(account.id, region ?? account.regions[0]!);
}

/** The organisation-wide routes: accounts, their roles' trust, the credentials STS issued. */
function handleOrganizationAdmin(organization: SandboxOrganization, method: string, path: string, body: Record<string, unknown>): AwsResponse | null {
  if (method === 'GET' && path === '/_sandbox/accounts') return json(200, { accounts: organization.describe() });
  const trust = path.match(/^\/_sandbox\/accounts\/(\d{12})\/trust$/);
  if (trust && (method === 'PUT' || method === 'POST')) {
    const account = organization.account(trust[1]!);
    if (!account) return json(404, { error: `no account ${trust[1]} in the sandbox's organisation` });
    if (typeof body.deny !== 'boolean') return json(400, { error: 'expected {"deny": true} or {"deny": false}' });
    if (body.deny) organization.deniedTrust.add(account.id);
    else organization.deniedTrust.delete(account.id);
    return json(200, { account: account.id, trust: body.deny ? 'deny' : 'allow' });
  }
  if (method === 'POST' && path === '/_sandbox/sts/expire') {
    const accessKeyId = body.accessKeyId;
    if (accessKeyId !== undefined && typeof accessKeyId !== 'string') return json(400, { error: 'accessKeyId, when given, is a string (an ASIA… key the sandbox issued)' });
    const expired = organization.expire(accessKeyId);
    if (accessKeyId !== undefined && expired === 0) return json(404, { error: `the sandbox issued no credentials with key ${accessKeyId}` });
    return json(200, { expired });
  }
  return null;
}

/** Clock and reset routes act on every world of an organisation at once: the organisation has one time. */
const ORGANIZATION_WIDE = new Set(['POST /_sandbox/reset', 'POST /_sandbox/clock/advance', 'POST /_sandbox/clock/speed']);

/**
 * The sandbox's own API under `/_sandbox/` (not AWS-shaped): tests and demos drive the simulation
 * through it so every run is reproducible. With an organisation, `?account=<id>&region=<r>`
 * addresses another world than the primary (faults, state, calls, bad images, ECR pushes).
 */
export function handleAdmin(primary: Sandbox, req: IncomingMessage, path: string, rawBody: string, context: AdminContext = {}): AwsResponse {
  const refused = adminRequestProblem(req, rawBody);
  if (refused) return json(refused.status, { error: refused.error });
  let body: Record<string, unknown> = {};
  if (rawBody.trim()) {
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return json(400, { error: 'request body must be JSON' });
    }
  }
  const { organization, query } = context;
  const route = `${req.method} ${path}`;
  if (organization) {
    const answer = handleOrganizationAdmin(organization, req.method ?? 'GET', path, body);
    if (answer) return answer;
    if (ORGANIZATION_WIDE.has(route) && (query?.has('account') || query?.has('region'))) {
      return json(400, { error: `${route} acts on every world of the organisation (they share one clock); drop ?account and ?region` });
    }
  }
  const sandbox = worldOf(primary, query, organization);
  if (typeof sandbox === 'string') return json(404, { error: sandbox });
  const groupsRoute = path.match(/^\/_sandbox\/oidc\/users\/([\w-]+)\/groups$/);
  if (groupsRoute && req.method === 'PUT') {
    // What an IdP admin does: move a demo user between groups (null restores the default).
    const user = findSandboxUser(groupsRoute[1]!);
    if (!user) return json(404, { error: `no sandbox user "${groupsRoute[1]}"` });
    const groups = body.groups;
    if (groups === null) sandbox.idpGroups.delete(user.sub);
    else if (Array.isArray(groups) && groups.every((g) => typeof g === 'string')) sandbox.idpGroups.set(user.sub, groups as string[]);
    else return json(400, { error: 'groups must be a list of strings, or null for the default' });
    return json(200, { user: user.id, groups: sandbox.idpGroups.get(user.sub) ?? [user.group] });
  }
  switch (route) {
    case 'GET /_sandbox/state':
      return json(200, summary(sandbox, organization));
    case 'POST /_sandbox/reset': {
      const { seed, fleetSize, speed, startTime } = body as { seed?: number; fleetSize?: number; speed?: number; startTime?: string | number };
      if (seed !== undefined && !Number.isInteger(seed)) return json(400, { error: 'seed must be an integer' });
      if (fleetSize !== undefined && (!Number.isInteger(fleetSize) || fleetSize < 0 || fleetSize > 5000)) return json(400, { error: 'fleetSize must be an integer from 0 to 5000' });
      if (speed !== undefined && (typeof speed !== 'number' || speed < 0 || speed > 10_000)) return json(400, { error: 'speed must be a number from 0 to 10000' });
      const start = startTime === undefined ? undefined : new Date(startTime).getTime();
      if (start !== undefined && Number.isNaN(start)) return json(400, { error: 'startTime must be an ISO date or epoch milliseconds' });
      const options: ResetOptions = { seed, fleetSize, speed, startTime: start };
      if (organization) organization.reset(options);
      else sandbox.reset(options);
      return json(200, summary(sandbox, organization));
    }
    case 'POST /_sandbox/clock/advance': {
      const seconds = body.seconds;
      if (typeof seconds !== 'number' || seconds < 0 || seconds > 30 * 86400) return json(400, { error: 'seconds must be a number from 0 to 2592000' });
      if (organization) organization.advance(seconds);
      else sandbox.advance(seconds);
      return json(200, summary(sandbox, organization));
    }
    case 'POST /_sandbox/clock/speed': {
      const speed = body.speed;
      if (typeof speed !== 'number' || speed < 0 || speed > 10_000) return json(400, { error: 'speed must be a number from 0 to 10000' });
      if (organization) organization.setSpeed(speed);
      else {
        sandbox.now();
        sandbox.clock.setSpeed(speed);
      }
      return json(200, summary(sandbox, organization));
    }
    case 'GET /_sandbox/faults':
      return json(200, { rules: sandbox.faults });
    case 'PUT /_sandbox/faults':
    case 'POST /_sandbox/faults': {
      const rules = parseFaults(body);
      if (typeof rules === 'string') return json(400, { error: rules });
      sandbox.faults = rules;
      return json(200, { rules });
    }
    case 'DELETE /_sandbox/faults':
      sandbox.faults = [];
      return json(200, { rules: [] });
    case 'POST /_sandbox/bad-images': {
      const image = body.image;
      if (typeof image !== 'string' || !image) return json(400, { error: 'image is required' });
      sandbox.world.badImages.add(image);
      return json(200, { badImages: [...sandbox.world.badImages] });
    }
    case 'POST /_sandbox/ecr/push': {
      // What a CI pipeline does: push a new image under a tag (moving the tag if it existed).
      const { repository, tag } = body;
      if (typeof repository !== 'string' || !/^[a-z0-9][a-z0-9._/-]{0,255}$/.test(repository)) return json(400, { error: 'repository is required (an ECR repository name)' });
      if (typeof tag !== 'string' || !/^[\w][\w.-]{0,127}$/.test(tag)) return json(400, { error: 'tag is required (an image tag)' });
      const image = sandbox.world.pushEcrImage(repository, tag, sandbox.now(), { move: true });
      return json(200, { repository, tag, digest: image.digest });
    }
    case 'GET /_sandbox/calls':
      return json(200, { calls: Object.fromEntries(sandbox.calls), total: [...sandbox.calls.values()].reduce((a, b) => a + b, 0), seq: sandbox.lastCallSeq });
    case 'POST /_sandbox/calls/mentioning': {
      const { text, since } = body;
      if (typeof text !== 'string' || text.length < 3) return json(400, { error: 'text must be a string of at least 3 characters (a service name or ARN)' });
      if (typeof since !== 'number' || !Number.isInteger(since) || since < 0) return json(400, { error: 'since must be a sequence number from GET /_sandbox/calls' });
      return json(200, sandbox.callsMentioning(text, since));
    }
    case 'DELETE /_sandbox/calls':
      sandbox.calls.clear();
      return json(200, { calls: {}, total: 0 });
    default:
      return json(404, { error: `no sandbox admin route ${route}` });
  }
}

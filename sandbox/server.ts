import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxAccount } from '../lib/sandbox/organization';
import { handleAdmin } from './admin';
import { createSandboxIssuer, isOidcPath, type SandboxIssuer, type SandboxOidcOptions } from './oidc/issuer';
import { jsonError, jsonResponse, parseJsonRequest } from './protocol/aws-json';
import { parseQueryParams, queryError, queryResponse } from './protocol/aws-query';
import { AwsError } from './protocol/errors';
import type { ServiceDefinition } from './protocol/operations';
import { parseCredentialScope, readBody, type AwsRequest, type AwsResponse } from './protocol/request';
import { parseRestJsonRequest } from './protocol/rest-json';
import { backupService } from './services/backup';
import { cloudwatchService } from './services/cloudwatch';
import { ecrService } from './services/ecr';
import { ecsService } from './services/ecs';
import { elbv2Service } from './services/elbv2';
import { guarddutyService } from './services/guardduty';
import { logsService } from './services/logs';
import { singleAccountStsService, stsService } from './services/sts';
import { isRegionName, SandboxOrganization } from './organization';
import { lockWorld, readMeta, readMemberWorlds, readOrganizationState, readWorld, saveOrganization, saveWorld, writeMeta } from './sim/persistence';
import { Sandbox, type ResetOptions } from './state';
import { SandboxThrottle } from './throttle-buckets';

export interface SandboxOptions extends ResetOptions {
  port?: number;
  host?: string;
  /** The one world's Region (single-account mode; an organisation takes its accounts' Regions). */
  region?: string;
  /**
   * Plays these accounts (lib/sandbox/organization.ts's SANDBOX_ACCOUNTS): one world per account ×
   * Region, requests routed by their access key (the account) and credential scope (the Region), and
   * STS to assume the accounts' roles. The first account's first Region is `sandbox`, today's world.
   * Absent, the sandbox is one world that answers every request, whatever its keys or Region.
   */
  organization?: readonly SandboxAccount[];
  /** Mounts the sandbox's OpenID Connect issuer at `<url>/oidc` for these clients; absent, none is mounted. */
  oidc?: SandboxOidcOptions;
  /**
   * Codeflow's data directory: the world is restored from `<dataDir>/sandbox/` and saved there
   * every `saveEveryMs` and on close, and the port chosen on the first run is used again (unless
   * `port` names one). Absent, the world lives only as long as the process.
   */
  dataDir?: string;
  saveEveryMs?: number;
  /** The id a new world takes (a stored world keeps its own): lets a caller name it before it exists. */
  newWorldId?: string;
  /** Told what happened at start (world restored or created, port kept or changed). */
  log?: (message: string) => void;
  /** Answer ThrottlingException past AWS's throttle buckets (sandbox/throttle-buckets.ts); off by default, on in benches. */
  throttleBuckets?: boolean;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** The world of the first account's first Region (the only one without `organization`). */
  sandbox: Sandbox;
  /** The organisation's worlds, STS state and trust switches, with `organization`. */
  organization?: SandboxOrganization;
  throttle: SandboxThrottle;
  /** The issuer identifier (`<url>/oidc`) when `oidc` was given. */
  oidcIssuer?: string;
  /** Whether the world was taken up from the data directory rather than created. */
  restored: boolean;
  /** Resolves once the time the sandbox was stopped has been simulated (at once for a new world). */
  caughtUp: Promise<void>;
  /** Writes the world to the data directory now (no-op without one). */
  save(): void;
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = { awsJson1_0: 'application/x-amz-json-1.0', awsJson1_1: 'application/x-amz-json-1.1' } as const;

/** Throttling and server-fault codes differ by protocol, as they do in AWS. */
const faultError = (protocol: 'json' | 'query', outcome: 'throttle' | 'error') =>
  outcome === 'throttle'
    ? new AwsError(protocol === 'json' ? 'ThrottlingException' : 'Throttling', 'Rate exceeded', 400)
    : new AwsError(protocol === 'json' ? 'ServerException' : 'InternalFailure', 'The server encountered an internal error. Please retry the request.', 500);

interface ServiceIndex {
  bySigningName: Map<string, ServiceDefinition>;
  byTargetPrefix: Map<string, ServiceDefinition>;
}

const indexServices = (services: ServiceDefinition[]): ServiceIndex => ({
  bySigningName: new Map(services.map((s) => [s.signingName, s])),
  byTargetPrefix: new Map(services.filter((s) => s.targetPrefix).map((s) => [s.targetPrefix!, s])),
});

/** Where a request goes: its world, the services answering there, and whether its key is refused first. */
interface Destination {
  sandbox: Sandbox;
  index: ServiceIndex;
  /** A member account's id (its throttle buckets are its own); undefined for the home account. */
  account?: string;
  keyProblem: 'expired' | 'invalid' | null;
}

/**
 * Answers AWS requests for one world (`sandbox` with its `services`), or, given an organisation, for
 * the world of the request's account (its access key) and Region (its credential scope).
 */
export function createSandboxHandler(sandbox: Sandbox, services: ServiceDefinition[], throttle = new SandboxThrottle(false), organization?: SandboxOrganization) {
  const single = indexServices(organization ? services : [...services, singleAccountStsService(sandbox.accountId)]);
  const sts = organization ? stsService(organization) : undefined;
  const indexes = new WeakMap<Sandbox, ServiceIndex>();

  const destinationOf = (accessKeyId: string | null, region: string | null): Destination => {
    if (!organization) return { sandbox, index: single, keyProblem: null };
    const resolved = organization.resolveKey(accessKeyId);
    const accountId = 'caller' in resolved ? resolved.caller.accountId : organization.home.id;
    const account = organization.account(accountId)!;
    const entry = organization.entry(accountId, region && isRegionName(region) ? region : account.regions[0]!);
    let index = indexes.get(entry.sandbox);
    if (!index) indexes.set(entry.sandbox, (index = indexServices([...entry.services, sts!])));
    return { sandbox: entry.sandbox, index, account: accountId === organization.home.id ? undefined : accountId, keyProblem: 'problem' in resolved ? resolved.problem : null };
  };

  return async function handle(req: IncomingMessage): Promise<AwsResponse> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req);
    if (url.pathname === '/_sandbox/throttling') return handleThrottlingAdmin(throttle, req.method ?? 'GET', body);
    if (url.pathname.startsWith('/_sandbox/')) return handleAdmin(sandbox, req, url.pathname, body, { query: url.searchParams, organization });

    const scope = parseCredentialScope(req.headers.authorization);
    const target = req.headers['x-amz-target'];
    const request: AwsRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      signingName: scope?.service ?? null,
      region: scope?.region ?? null,
      accessKeyId: scope?.accessKeyId ?? null,
      requestId: randomUUID(),
    };
    const destination = destinationOf(request.accessKeyId, request.region);
    const { bySigningName, byTargetPrefix } = destination.index;
    const service = (scope && bySigningName.get(scope.service)) ?? (typeof target === 'string' ? byTargetPrefix.get(target.split('.')[0]!) : undefined);
    if (!service) {
      const what = scope ? `service "${scope.service}"` : 'this request (no SigV4 credential scope)';
      return jsonError(new AwsError('UnknownServiceException', `The Codeflow sandbox does not serve ${what}.`, 400), request.requestId, 'application/json');
    }

    const jsonProtocol = service.protocols.find((p) => p === 'awsJson1_0' || p === 'awsJson1_1');
    const contentType = String(req.headers['content-type'] ?? '');
    const isQuery = service.protocols.includes('awsQuery') && (contentType.includes('x-www-form-urlencoded') || url.searchParams.has('Action'));

    if (typeof target === 'string' && jsonProtocol) {
      const responseType = JSON_CONTENT_TYPE[jsonProtocol];
      try {
        const { operation, input } = parseJsonRequest(service, request);
        return jsonResponse(200, await invoke(destination, service, operation, input, request, 'json', throttle), request.requestId, responseType);
      } catch (e) {
        return jsonError(asAwsError(e), request.requestId, responseType, { types: service.jsonErrorTypes, queryMode: req.headers['x-amzn-query-mode'] === 'true' });
      }
    }
    if (isQuery) {
      const xmlns = service.xmlNamespace ?? '';
      const params = contentType.includes('x-www-form-urlencoded') ? new URLSearchParams(body) : url.searchParams;
      const { action, input } = parseQueryParams(params);
      try {
        if (!action || !service.operations[action]) throw new AwsError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`);
        return queryResponse(action, await invoke(destination, service, action, input, request, 'query', throttle), xmlns, request.requestId);
      } catch (e) {
        return queryError(asAwsError(e), xmlns, request.requestId);
      }
    }
    if (service.protocols.includes('restJson1')) {
      try {
        const { operation, input } = parseRestJsonRequest(service, request);
        return jsonResponse(200, await invoke(destination, service, operation, input, request, 'json', throttle), request.requestId, 'application/json');
      } catch (e) {
        const error = asAwsError(e);
        // restJson services (GuardDuty) model their server fault as InternalServerErrorException.
        return jsonError(error.status >= 500 ? new AwsError('InternalServerErrorException', error.message, 500) : error, request.requestId, 'application/json');
      }
    }
    return jsonError(new AwsError('UnknownOperationException', 'The request matches no protocol this service speaks.'), request.requestId, 'application/json');
  };
}

/** What AWS answers, before any service looks at the request, to a key it issued that has expired, or one it never issued. */
const keyError = (protocol: 'json' | 'query', problem: 'expired' | 'invalid') =>
  problem === 'expired'
    ? new AwsError(protocol === 'json' ? 'ExpiredTokenException' : 'ExpiredToken', 'The security token included in the request is expired', protocol === 'json' ? 400 : 403)
    : new AwsError(protocol === 'json' ? 'UnrecognizedClientException' : 'InvalidClientTokenId', 'The security token included in the request is invalid.', protocol === 'json' ? 400 : 403);

async function invoke(destination: Destination, service: ServiceDefinition, operation: string, input: Record<string, unknown>, request: AwsRequest, protocol: 'json' | 'query', throttle: SandboxThrottle) {
  const { sandbox } = destination;
  if (destination.keyProblem) throw keyError(protocol, destination.keyProblem);
  const handler = service.operations[operation];
  if (!handler) throw new AwsError(protocol === 'json' ? 'UnknownOperationException' : 'InvalidAction', `The sandbox does not implement ${service.signingName}:${operation}.`);
  sandbox.countCall(service.signingName, operation, input);
  if (!throttle.admit(service.signingName, operation, request.region ?? sandbox.region, destination.account)) throw faultError(protocol, 'throttle');
  const fault = sandbox.faultFor(service.signingName, operation);
  if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  if (fault.outcome) throw faultError(protocol, fault.outcome);
  sandbox.now();
  return handler(input, request);
}

/** `GET` the per-bucket report, `PUT {"enforce": true|false}` to switch enforcement, `DELETE` to start counting afresh. */
function handleThrottlingAdmin(throttle: SandboxThrottle, method: string, body: string): AwsResponse {
  const reply = (status: number, value: unknown): AwsResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  if (method === 'PUT' || method === 'POST') {
    let enforce: unknown;
    try {
      enforce = (JSON.parse(body || '{}') as { enforce?: unknown }).enforce;
    } catch {
      return reply(400, { error: 'request body must be JSON' });
    }
    if (typeof enforce !== 'boolean') return reply(400, { error: 'expected {"enforce": true} or {"enforce": false}' });
    throttle.enforce = enforce;
  } else if (method === 'DELETE') throttle.reset();
  else if (method !== 'GET') return reply(405, { error: 'GET, PUT or DELETE' });
  return reply(200, { enforce: throttle.enforce, buckets: throttle.report() });
}

function asAwsError(e: unknown): AwsError {
  if (e instanceof AwsError) return e;
  console.error('[sandbox] internal error', e);
  return new AwsError('InternalFailure', 'The sandbox failed to process the request.', 500);
}

export function sandboxServices(sandbox: Sandbox): ServiceDefinition[] {
  return [ecsService(sandbox), elbv2Service(sandbox), guarddutyService(sandbox), logsService(sandbox), cloudwatchService(sandbox), backupService(sandbox), ecrService(sandbox)];
}

/** Starts the sandbox on loopback; port 0 (the default) picks a free port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const organization = options.organization ? new SandboxOrganization(options.organization, options, sandboxServices) : undefined;
  const sandbox = organization?.primary ?? new Sandbox(options.region ?? 'us-east-1', options);
  const throttle = new SandboxThrottle(options.throttleBuckets ?? false);
  const handle = createSandboxHandler(sandbox, organization ? organization.list()[0]!.services : sandboxServices(sandbox), throttle, organization);
  const { dataDir, log = () => {} } = options;
  const lock = dataDir ? lockWorld(dataDir) : undefined;
  let stored;
  let members: ReturnType<typeof readMemberWorlds> = [];
  try {
    stored = dataDir ? readWorld(dataDir) : null;
    // The other worlds are taken up only with the primary: a data dir without it was reset.
    if (dataDir && stored && organization) members = readMemberWorlds(dataDir);
  } catch (e) {
    lock?.release();
    throw new Error(`the sandbox's stored world in ${dataDir} cannot be read (${(e as Error).message}); codeflow sandbox --reset starts a fresh one`, { cause: e });
  }
  let caughtUp = Promise.resolve();
  if (stored) {
    const restoring = [{ world: sandbox, snapshot: stored, what: 'world' }, ...members.map((m) => ({ world: organization!.world(m.accountId, m.region), snapshot: m.snapshot, what: `world of ${m.accountId} ${m.region}` }))];
    try {
      for (const { world, snapshot, what } of restoring) {
        try {
          world.restore(snapshot);
        } catch (e) {
          throw new Error(`the sandbox's stored ${what} cannot be restored (${(e as Error).message}); codeflow start --reset (or codeflow sandbox --reset) starts a fresh one`, { cause: e });
        }
      }
    } catch (e) {
      lock?.release();
      throw e;
    }
    if (organization && dataDir) {
      readOrganizationState(dataDir, organization);
      // Worlds with nothing stored (a data dir the single-account sandbox kept) start at the primary's time.
      for (const entry of organization.list()) {
        if (restoring.some((r) => r.world === entry.sandbox)) continue;
        entry.sandbox.reset({ ...entry.sandbox.options, startTime: stored.simNow, speed: stored.options.speed });
        restoring.push({ world: entry.sandbox, snapshot: stored, what: '' });
      }
    }
    caughtUp = Promise.all(restoring.map(({ world, snapshot }) => world.catchUp(Date.now() - snapshot.savedAt))).then(() => {});
  } else if (options.newWorldId) {
    sandbox.worldId = options.newWorldId;
  }
  const storedPort = dataDir ? readMeta(dataDir).port : undefined;
  // Created once the port is known (the issuer URL contains it); oidc-provider reads its own bodies.
  let issuer: SandboxIssuer | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (issuer && isOidcPath(req.url)) return issuer.handle(req, res);
    handle(req)
      .then((response) => {
        res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
        res.end(response.body);
      })
      .catch((e: unknown) => {
        console.error('[sandbox] request failed', e);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: 'The sandbox failed to process the request.' }));
      });
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  if (options.port === undefined && storedPort) {
    try {
      await listen(storedPort);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      log(`port ${storedPort}, the sandbox's port until now, is taken by another program: using a new one (update any --endpoint-url that named ${storedPort})`);
      await listen(0);
    }
  } else {
    await listen(options.port ?? 0);
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  // The port is kept when it was chosen here, not when it was named for this one run (SANDBOX_PORT, tests).
  const keptPort = options.port === undefined ? port : storedPort;
  const save = () => {
    if (!dataDir) return;
    saveWorld(dataDir, sandbox);
    if (organization) saveOrganization(dataDir, organization);
    writeMeta(dataDir, { port: keptPort, worldId: sandbox.worldId });
  };
  if (dataDir) {
    writeMeta(dataDir, { port: keptPort, worldId: sandbox.worldId });
    const worlds = organization ? `${organization.list().length} sandbox worlds` : 'sandbox world';
    log(stored ? `${worlds} restored (${new Date(stored.savedAt).toISOString()}); ${organization ? 'their clock resumes' : 'its clock resumes'}` : `${worlds} created`);
  }
  const saver = dataDir
    ? setInterval(() => {
        try {
          save();
        } catch (e) {
          console.error('[sandbox] could not save the world', e);
        }
      }, options.saveEveryMs ?? 60_000).unref()
    : undefined;
  if (options.oidc) {
    try {
      issuer = await createSandboxIssuer(url, { ...options.oidc, groupsOverride: (sub) => sandbox.idpGroups.get(sub) });
    } catch (e) {
      server.close();
      throw e;
    }
  }
  return {
    url,
    port,
    sandbox,
    organization,
    throttle,
    oidcIssuer: issuer?.issuer,
    restored: stored !== null,
    caughtUp,
    save,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(saver);
        server.closeAllConnections();
        server.close(() => resolve());
        try {
          save();
        } catch (e) {
          console.error('[sandbox] could not save the world', e);
        }
        lock?.release();
      }),
  };
}

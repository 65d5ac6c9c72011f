import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { lockWorld, readMeta, readWorld, saveWorld, writeMeta } from './sim/persistence';
import { Sandbox, type ResetOptions } from './state';
import { SandboxThrottle } from './throttle-buckets';

export interface SandboxOptions extends ResetOptions {
  port?: number;
  host?: string;
  region?: string;
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
  sandbox: Sandbox;
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

export function createSandboxHandler(sandbox: Sandbox, services: ServiceDefinition[], throttle = new SandboxThrottle(false)) {
  const bySigningName = new Map(services.map((s) => [s.signingName, s]));
  const byTargetPrefix = new Map(services.filter((s) => s.targetPrefix).map((s) => [s.targetPrefix!, s]));

  return async function handle(req: IncomingMessage): Promise<AwsResponse> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req);
    if (url.pathname === '/_sandbox/throttling') return handleThrottlingAdmin(throttle, req.method ?? 'GET', body);
    if (url.pathname.startsWith('/_sandbox/')) return handleAdmin(sandbox, req, url.pathname, body);

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
      requestId: randomUUID(),
    };
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
        return jsonResponse(200, await invoke(sandbox, service, operation, input, request, 'json', throttle), request.requestId, responseType);
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
        return queryResponse(action, await invoke(sandbox, service, action, input, request, 'query', throttle), xmlns, request.requestId);
      } catch (e) {
        return queryError(asAwsError(e), xmlns, request.requestId);
      }
    }
    if (service.protocols.includes('restJson1')) {
      try {
        const { operation, input } = parseRestJsonRequest(service, request);
        return jsonResponse(200, await invoke(sandbox, service, operation, input, request, 'json', throttle), request.requestId, 'application/json');
      } catch (e) {
        const error = asAwsError(e);
        // restJson services (GuardDuty) model their server fault as InternalServerErrorException.
        return jsonError(error.status >= 500 ? new AwsError('InternalServerErrorException', error.message, 500) : error, request.requestId, 'application/json');
      }
    }
    return jsonError(new AwsError('UnknownOperationException', 'The request matches no protocol this service speaks.'), request.requestId, 'application/json');
  };
}

async function invoke(sandbox: Sandbox, service: ServiceDefinition, operation: string, input: Record<string, unknown>, request: AwsRequest, protocol: 'json' | 'query', throttle: SandboxThrottle) {
  const handler = service.operations[operation];
  if (!handler) throw new AwsError(protocol === 'json' ? 'UnknownOperationException' : 'InvalidAction', `The sandbox does not implement ${service.signingName}:${operation}.`);
  sandbox.countCall(service.signingName, operation, input);
  if (!throttle.admit(service.signingName, operation, request.region ?? sandbox.region)) throw faultError(protocol, 'throttle');
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
  const sandbox = new Sandbox(options.region ?? 'us-east-1', options);
  const throttle = new SandboxThrottle(options.throttleBuckets ?? false);
  const handle = createSandboxHandler(sandbox, sandboxServices(sandbox), throttle);
  const { dataDir, log = () => {} } = options;
  const lock = dataDir ? lockWorld(dataDir) : undefined;
  let stored;
  try {
    stored = dataDir ? readWorld(dataDir) : null;
  } catch (e) {
    lock?.release();
    throw new Error(`the sandbox's stored world in ${dataDir} cannot be read (${(e as Error).message}); codeflow sandbox --reset starts a fresh one`, { cause: e });
  }
  let caughtUp = Promise.resolve();
  if (stored) {
    try {
      sandbox.restore(stored);
    } catch (e) {
      lock?.release();
      throw new Error(`the sandbox's stored world cannot be restored (${(e as Error).message}); codeflow start --reset (or codeflow sandbox --reset) starts a fresh one`, { cause: e });
    }
    caughtUp = sandbox.catchUp(Date.now() - stored.savedAt);
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
    writeMeta(dataDir, { port: keptPort, worldId: sandbox.worldId });
  };
  if (dataDir) {
    writeMeta(dataDir, { port: keptPort, worldId: sandbox.worldId });
    log(stored ? `sandbox world restored (${new Date(stored.savedAt).toISOString()}); its clock resumes` : 'sandbox world created');
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

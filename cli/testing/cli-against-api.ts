import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FleetOverview, PlaceStatus, ServiceHealth } from '../../lib/fleet/types';

/**
 * The CLI as a person runs it (`node cli/codeflow.mjs …`, a process of its own with CODEFLOW_URL and
 * CODEFLOW_TOKEN) against a stand-in for Codeflow's HTTP API that answers from a fleet it is given and
 * records every request, so tests can say what the CLI asked for. The console itself is tested
 * against the sandbox elsewhere; what these tests check is what the CLI sends and prints.
 */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
}

export interface StandIn {
  url: string;
  requests: ApiRequest[];
  fleet: FleetOverview;
  close(): Promise<void>;
}

export const PRODUCTION = '123456789012';
export const STAGING = '210987654321';

const place = (account: string, accountName: string, region: string, error: string | null = null): PlaceStatus => ({ account, accountName, environment: accountName, region, loading: false, error, clusters: error ? 0 : 1 });

const service = (account: string, region: string, cluster: string, name: string, verdict: ServiceHealth['verdict'] = 'healthy') =>
  ({ account, region, cluster, name, arn: `arn:aws:ecs:${region}:${account}:service/${cluster}/${name}`, verdict, reasons: [], desiredCount: 2, runningCount: 2, pendingCount: 0, imageTag: 'v1', image: null, taskDefinition: null, rollout: { state: 'COMPLETED', reason: null, deployments: 1 }, lastDeploymentAt: null }) as unknown as ServiceHealth;

const cluster = (account: string, region: string, name: string) => ({ account, region, cluster: name, fetchedAt: new Date().toISOString(), ageSeconds: 1, stale: false, error: null });

/**
 * Production in us-east-1 (home) and us-west-2, staging in us-east-1 and eu-west-1, where its role
 * cannot be assumed. `web` runs in both of production's Regions; `worker` only in staging.
 */
export function multiPlaceFleet(): FleetOverview {
  return {
    generatedAt: new Date().toISOString(),
    loading: false,
    discoveryError: null,
    places: [
      place(PRODUCTION, 'production', 'us-east-1'),
      place(PRODUCTION, 'production', 'us-west-2'),
      place(STAGING, 'staging', 'us-east-1'),
      place(STAGING, 'staging', 'eu-west-1', `staging (${STAGING}): AccessDenied on sts:AssumeRole`),
    ],
    clusters: [cluster(PRODUCTION, 'us-east-1', 'main'), cluster(PRODUCTION, 'us-west-2', 'main'), cluster(STAGING, 'us-east-1', 'main')],
    services: [service(PRODUCTION, 'us-east-1', 'main', 'web'), service(PRODUCTION, 'us-west-2', 'main', 'web', 'degraded'), service(STAGING, 'us-east-1', 'main', 'worker')],
  };
}

export function singlePlaceFleet(): FleetOverview {
  return { generatedAt: new Date().toISOString(), loading: false, discoveryError: null, places: [place(PRODUCTION, 'production', 'us-east-1')], clusters: [cluster(PRODUCTION, 'us-east-1', 'main')], services: [service(PRODUCTION, 'us-east-1', 'main', 'web')] };
}

/** The account and Region a request names, resolved as the server does (id or name; home when absent). */
function resolve(fleet: FleetOverview, ask: { account?: unknown; region?: unknown }): { account: string; region: string } {
  const places = fleet.places ?? [];
  const wanted = typeof ask.account === 'string' ? ask.account : undefined;
  const account = wanted ? places.find((p) => p.account === wanted || p.accountName.toLowerCase() === wanted.toLowerCase())?.account : places[0]!.account;
  const region = typeof ask.region === 'string' ? ask.region : places.find((p) => p.account === account)?.region;
  return { account: account ?? 'unknown', region: region ?? 'unknown' };
}

export async function startStandIn(fleet: FleetOverview): Promise<StandIn> {
  const requests: ApiRequest[] = [];
  const standIn = { requests, fleet } as StandIn;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      const request = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
      requests.push(request);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const f = standIn.fleet;
      const svc = /^\/api\/services\/([^/]+)\/([^/]+)(\/plan)?$/.exec(url.pathname);
      if (url.pathname === '/api/fleet') return send(200, f);
      if (svc && !svc[3]) {
        const where = resolve(f, request.query);
        const health = f.services.find((s) => s.cluster === svc[1] && s.name === svc[2] && s.account === where.account && s.region === where.region);
        if (!health) return send(404, { error: { code: 'not_found', message: `no service ${svc[1]}/${svc[2]} in ${where.account} ${where.region}` } });
        return send(200, { cluster: svc[1], health, taskDefinition: { containers: [{ name: 'app', essential: true, logGroup: `/ecs/${svc[2]}-${where.region}` }] }, targetGroups: [], events: [] });
      }
      if (svc && svc[3] && req.method === 'POST') {
        const where = resolve(f, request.query);
        const plan = { kind: body?.kind, ...where, cluster: svc[1], service: svc[2], environment: 'production', summary: `Deploy ${svc[2]}: v1 → ${String(body?.image)}`, changes: [], imageDiff: [], envDiff: [], guards: [], requiresApproval: false, blocked: false, fingerprint: 'fp-1' };
        return send(200, { plan });
      }
      if (url.pathname === '/api/operations' && req.method === 'POST') {
        const where = resolve(f, body ?? {});
        return send(201, { operation: { id: 'op-1', kind: (body?.request as { kind?: string } | undefined)?.kind, ...where, cluster: body?.cluster, service: body?.service, status: 'succeeded', steps: [], triggers: [], rollout: null } });
      }
      if (url.pathname === '/api/logs/events') {
        return send(200, { events: [{ timestamp: new Date().toISOString(), stream: 'app/1', message: `a line from ${url.searchParams.get('group')}` }], nextCursor: null });
      }
      send(404, { error: { code: 'not_found', message: `the stand-in does not answer ${req.method} ${url.pathname}` } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () => new Promise<void>((r) => server.close(() => r()));
  return standIn;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = join(import.meta.dirname, '..', 'codeflow.mjs');

/** `codeflow …args` against the stand-in, with only the environment a script would set (plus `env`). */
export function runCli(standIn: StandIn, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CODEFLOW_URL: standIn.url, CODEFLOW_TOKEN: 'cf_test', NO_COLOR: '1', ...env } as unknown as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

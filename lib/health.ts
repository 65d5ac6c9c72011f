import 'server-only';
import packageJson from '@/package.json';
import { getAwsClients } from '@/lib/aws/default-clients';
import { listClusterArns } from '@/lib/aws/ecs';
import { loggerFor } from './observability/logger';

export type DependencyState = 'ok' | 'unreachable';

/** The deployment guide's §4.1 health document, plus the state of what Codeflow depends on. */
export interface HealthReport {
  status: 'healthy' | 'degraded';
  timestamp: string;
  version: string;
  uptime: number;
  checks: { aws: DependencyState };
}

/** A load balancer probes every few seconds; AWS is asked at most this often. */
const CHECK_TTL_MS = 5_000;
/** Well under a typical ALB health check timeout (5 s), so the probe itself never times out. */
const CHECK_DEADLINE_MS = 2_000;

let awsCheck: { at: number; result: Promise<DependencyState> } | undefined;

export async function getHealthReport(): Promise<HealthReport> {
  const aws = await checkAws();
  return {
    status: aws === 'ok' ? 'healthy' : 'degraded',
    timestamp: new Date().toISOString(),
    version: packageJson.version,
    uptime: process.uptime(),
    checks: { aws },
  };
}

/** Single-flight and cached: concurrent probes share one ListClusters call. */
function checkAws(): Promise<DependencyState> {
  const now = Date.now();
  if (!awsCheck || now - awsCheck.at > CHECK_TTL_MS) {
    awsCheck = { at: now, result: probeAws() };
  }
  return awsCheck.result;
}

async function probeAws(): Promise<DependencyState> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_DEADLINE_MS} ms`)), CHECK_DEADLINE_MS);
  });
  try {
    const clients = { ...getAwsClients(), deadlineMs: CHECK_DEADLINE_MS };
    await Promise.race([firstClusterPage(clients), deadline]);
    return 'ok';
  } catch (e) {
    // Details stay in the server log; the health document only says whether AWS answered.
    loggerFor('health').warn({ reason: e instanceof Error ? e.message : String(e) }, 'AWS check failed');
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

async function firstClusterPage(clients: ReturnType<typeof getAwsClients>): Promise<void> {
  // One page is enough to prove credentials, network and endpoint work; stop before paginating.
  for await (const _ of listClusterArns(clients, { maxResults: 1 })) break;
}

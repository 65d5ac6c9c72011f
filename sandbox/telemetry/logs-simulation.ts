import { Rng } from '../sim/rng';
import type { ClusterRecord, ContainerDef, ServiceRecord, TaskRecord, World } from '../sim/world';
import type { SimulationPlugin } from '../state';
import type { LogStore } from './logs-store';

const MINUTE_MS = 60_000;
/** History written at reset, so a fresh sandbox already has recent lines to read. */
const BACKFILL_MINUTES = 60;
/** A crash makes the service unhealthy (errors, slow responses) for this long. */
const UNHEALTHY_AFTER_CRASH_MS = 5 * MINUTE_MS;
/** OOM-bound tasks warn about memory for this long before they are killed. */
const OOM_WARNING_MS = 15 * MINUTE_MS;

interface Line {
  timestamp: number;
  message: string;
}

interface Traffic {
  /** Access-log lines a task writes per minute at peak. */
  perMinute: number;
  paths: string[];
  /** Median latency in ms when healthy. */
  latency: number;
}

const TRAFFIC: Record<string, Traffic> = {
  codeflow: { perMinute: 6, paths: ['/api/services', '/api/deployments', '/api/logs', '/api/alarms', '/api/incidents', '/health'], latency: 85 },
  'codeflow-staging': { perMinute: 2, paths: ['/api/services', '/api/deployments', '/health'], latency: 95 },
  'payments-api': { perMinute: 8, paths: ['/v1/charges', '/v1/refunds', '/v1/customers', '/actuator/health'], latency: 140 },
  'auth-gateway': { perMinute: 10, paths: ['/oauth2/token', '/userinfo', '/.well-known/jwks.json', '/health'], latency: 45 },
  'checkout-api': { perMinute: 3, paths: ['/cart', '/checkout', '/orders', '/health'], latency: 120 },
};
const DEFAULT_TRAFFIC: Traffic = { perMinute: 4, paths: ['/api/items', '/health'], latency: 100 };

const CRASHES = [
  ["Error: Cannot find module '/app/dist/config/production.js'", 'at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)', 'at Module._load (node:internal/modules/cjs/loader:986:27)', 'at Module.require (node:internal/modules/cjs/loader:1233:19)', 'at Object.<anonymous> (/app/dist/server.js:12:16)'],
  ['TypeError: Cannot read properties of undefined (reading \'connectionString\')', 'at createPool (/app/dist/db/pool.js:21:38)', 'at bootstrap (/app/dist/server.js:48:17)', 'at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
  ['Error: connect ECONNREFUSED 10.0.12.40:5432', 'at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)', 'at Client._connect (/app/node_modules/pg/lib/client.js:132:11)', 'at bootstrap (/app/dist/server.js:51:5)'],
];

/**
 * Writes every task's log lines into the store, the way the awslogs driver ships them: one group
 * per task definition's `awslogs-group`, one stream `<prefix>/<container>/<task-id>` per task. Lines
 * derive only from the task records and the seed, once per simulated minute, so a seed and the same
 * clock steps give the same logs.
 */
export class LogsSimulation implements SimulationPlugin {
  private rng = new Rng(1);

  constructor(private readonly store: LogStore) {}

  reset(world: World, startMs: number): void {
    this.store.clear();
    this.rng = new Rng(world.seed ^ 0x10957);
    for (const revisions of world.taskDefinitions.values()) {
      for (const td of revisions) {
        const group = awslogsOf(td.containerDefinitions.find((c) => c.essential) ?? td.containerDefinitions[0])?.group;
        if (group) this.store.ensureGroup(group, Math.min(this.store.groups.get(group)?.creationTime ?? td.registeredAt, td.registeredAt));
      }
    }
    const last = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    for (let minute = last - (BACKFILL_MINUTES - 1) * MINUTE_MS; minute <= last; minute += MINUTE_MS) this.writeMinute(world, minute, true);
  }

  onMinute(world: World, minute: number): void {
    this.writeMinute(world, minute, false);
    this.store.prune(minute);
  }

  private writeMinute(world: World, minute: number, backfill: boolean): void {
    for (const cluster of world.clusters.values()) {
      const unhealthy = new Map<string, boolean>();
      const isUnhealthy = (service: ServiceRecord) => {
        let value = unhealthy.get(service.name);
        if (value === undefined) unhealthy.set(service.name, (value = serviceUnhealthy(world, cluster, service, minute)));
        return value;
      };
      for (const task of cluster.tasks.values()) {
        const service = cluster.services.get(task.service);
        const td = world.taskDefinitionByRef(task.taskDefinition);
        const container = td?.containerDefinitions.find((c) => c.essential) ?? td?.containerDefinitions[0];
        const awslogs = awslogsOf(container);
        if (!td || !container || !awslogs) continue;
        const lines = backfill
          ? this.backfillLines(world, task, container, td.family, minute)
          : this.taskLines(world, task, container, td.family, service ? isUnhealthy(service) : false, minute);
        this.write(awslogs, container, task.id, lines, task.startedAt ?? task.createdAt);
      }
      if (backfill) this.backfillCrashLoops(world, cluster, minute);
    }
  }

  private write(awslogs: { group: string; prefix?: string }, container: ContainerDef, taskId: string, lines: Line[], streamCreated: number): void {
    if (lines.length === 0) return;
    const group = this.store.ensureGroup(awslogs.group, streamCreated);
    const stream = awslogs.prefix ? `${awslogs.prefix}/${container.name}/${taskId}` : taskId;
    this.store.ensureStream(group, stream, streamCreated);
    this.store.append(
      group,
      stream,
      lines.map((l) => ({ ...l, ingestionTime: l.timestamp + this.rng.int(150, 1200) })),
    );
  }

  /** One task's lines for the minute ending at `minute`. */
  private taskLines(world: World, task: TaskRecord, container: ContainerDef, family: string, unhealthy: boolean, minute: number): Line[] {
    const from = minute - MINUTE_MS;
    const within = (t: number | undefined): t is number => t !== undefined && t > from && t <= minute;
    const lines: Line[] = [];
    const bad = world.isBadImage(container.image);
    if (within(task.startedAt)) lines.push(...startupLines(container, task.startedAt, bad));
    const stoppingAt = task.stoppingAt;
    if (task.startedAt !== undefined && !bad) {
      const runFrom = Math.max(from, task.startedAt + 2000);
      const runTo = Math.min(minute, stoppingAt ?? minute);
      if (runTo > runFrom) lines.push(...this.trafficLines(container, family, runFrom, runTo, unhealthy));
      if (task.crashKind === 'oom' && task.crashAt !== undefined && task.crashAt - minute < OOM_WARNING_MS) lines.push(...this.memoryWarnings(task.crashAt, runFrom, runTo));
    }
    if (within(stoppingAt)) {
      if (task.stopCode === 'EssentialContainerExited' && task.exitCode === 137) lines.push(...oomKillLines(stoppingAt));
      else if (task.stopCode === 'EssentialContainerExited') lines.push(...this.crashLines(stoppingAt));
      else lines.push({ timestamp: stoppingAt + 5, message: 'SIGTERM received, draining connections' }, { timestamp: stoppingAt + 1800, message: 'Server closed, exiting with code 0' });
    }
    return lines;
  }

  /** History before the sandbox started: steady traffic from the tasks running then. */
  private backfillLines(world: World, task: TaskRecord, container: ContainerDef, family: string, minute: number): Line[] {
    if (task.lastStatus !== 'RUNNING' || task.startedAt === undefined || task.startedAt > minute || world.isBadImage(container.image)) return [];
    const from = minute - MINUTE_MS;
    const lines: Line[] = task.startedAt > from ? startupLines(container, task.startedAt, false) : [];
    lines.push(...this.trafficLines(container, family, Math.max(from, task.startedAt + 2000), minute, false));
    return lines;
  }

  /** A crash-looping service's history: a task started and died about every 45 s. */
  private backfillCrashLoops(world: World, cluster: ClusterRecord, minute: number): void {
    for (const service of cluster.services.values()) {
      const td = world.taskDefinitionByRef(service.deployments[0]?.taskDefinition ?? '');
      const container = td?.containerDefinitions.find((c) => c.essential);
      const awslogs = awslogsOf(container);
      if (!container || !awslogs || !world.isBadImage(container.image)) continue;
      const startedAt = minute - MINUTE_MS + this.rng.int(1, 45) * 1000;
      const lines = [...startupLines(container, startedAt, true), ...this.crashLines(startedAt + 10_000)].filter((l) => l.timestamp <= minute);
      this.write(awslogs, container, this.rng.hex(32), lines, startedAt);
    }
  }

  private trafficLines(container: ContainerDef, family: string, from: number, to: number, unhealthy: boolean): Line[] {
    const web = container.portMappings.length > 0;
    const share = (to - from) / MINUTE_MS;
    const hour = new Date(to).getUTCHours();
    // Busier in the (UTC) working day, never idle.
    const daily = 0.55 + 0.45 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI));
    const lines: Line[] = [];
    if (!web) {
      const jobs = Math.round((1 + this.rng.next() * 2) * share);
      for (let i = 0; i < jobs; i++) {
        const failed = unhealthy && this.rng.chance(0.3);
        lines.push({
          timestamp: this.rng.int(from, to),
          message: JSON.stringify({ level: failed ? 'error' : 'info', msg: failed ? 'job failed' : 'job completed', queue: container.environment.find((e) => e.name === 'QUEUE')?.value ?? 'default', jobId: this.rng.hex(12), durationMs: this.rng.int(40, 900) * (failed ? 6 : 1), ...(failed ? { error: 'ETIMEDOUT waiting for a database connection' } : {}) }),
        });
      }
      return lines;
    }
    const traffic = TRAFFIC[family] ?? DEFAULT_TRAFFIC;
    const count = Math.round(traffic.perMinute * daily * share * (0.7 + 0.6 * this.rng.next()));
    for (let i = 0; i < count; i++) {
      const path = this.rng.pick(traffic.paths);
      const method = path.includes('health') || this.rng.chance(0.8) ? 'GET' : 'POST';
      let status = method === 'POST' ? 201 : this.rng.chance(0.08) ? 304 : 200;
      if (this.rng.chance(0.01)) status = 404;
      let latency = Math.round(traffic.latency * Math.exp((this.rng.next() - 0.5) * 1.2));
      if (unhealthy && this.rng.chance(0.15)) status = this.rng.pick([500, 502, 503]);
      else if (!unhealthy && this.rng.chance(0.003)) status = 500;
      if (unhealthy) latency = latency * this.rng.int(3, 8) + (status >= 500 ? this.rng.int(800, 2500) : 0);
      const error = status >= 500;
      lines.push({
        timestamp: this.rng.int(from, to),
        message: JSON.stringify({
          level: error ? 'error' : 'info',
          msg: 'request',
          method,
          path,
          status,
          latency,
          requestId: `${this.rng.hex(8)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(12)}`,
          ...(error ? { error: this.rng.pick(['upstream connect error or disconnect/reset before headers', 'timeout acquiring a database connection', 'ECONNRESET']) } : {}),
        }),
      });
    }
    return lines;
  }

  private memoryWarnings(crashAt: number, from: number, to: number): Line[] {
    const lines: Line[] = [];
    for (let t = from + this.rng.int(5, 30) * 1000; t < to && t < crashAt; t += 20_000) {
      const percent = Math.min(99, Math.round(100 - ((crashAt - t) / OOM_WARNING_MS) * 20));
      lines.push({ timestamp: t, message: JSON.stringify({ level: 'warn', msg: 'memory usage high', heapUsedMb: Math.round(percent * 9.6), heapLimitMb: 960, percent }) });
    }
    return lines;
  }

  private crashLines(at: number): Line[] {
    const [error, ...stack] = this.rng.pick(CRASHES);
    return [
      { timestamp: at - 40, message: `ERROR Unhandled exception: ${error}` },
      ...stack.map((frame, i) => ({ timestamp: at - 39 + i, message: `    ${frame}` })),
      { timestamp: at - 5, message: 'process exited with code 1' },
    ];
  }
}

function startupLines(container: ContainerDef, at: number, bad: boolean): Line[] {
  const tag = container.image.split(':').pop() ?? 'latest';
  const port = container.portMappings[0]?.containerPort;
  const lines: Line[] = [
    { timestamp: at + 120, message: `> ${container.name}@${tag.replace(/^v/, '')} start` },
    { timestamp: at + 130, message: '> node dist/server.js' },
  ];
  // A bad image dies before it listens.
  if (!bad) lines.push({ timestamp: at + 1400, message: port !== undefined ? `Server listening on :${port}` : 'Worker started, polling for jobs' });
  return lines;
}

function oomKillLines(at: number): Line[] {
  return [
    { timestamp: at - 300, message: '<--- Last few GCs --->' },
    { timestamp: at - 200, message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' },
    { timestamp: at - 5, message: 'process killed: OutOfMemoryError: Container killed due to memory usage (exit code 137)' },
  ];
}

function awslogsOf(container: ContainerDef | undefined): { group: string; prefix?: string } | null {
  const config = container?.logConfiguration;
  const group = config?.options['awslogs-group'];
  if (config?.logDriver !== 'awslogs' || !group) return null;
  return { group, prefix: config.options['awslogs-stream-prefix'] };
}

/**
 * A service is unhealthy for a while after one of its containers crashed: the survivors take its
 * load and requests fail or crawl (a bad rollout, an OOM kill). While a deployment of a bad image
 * is listed it is unhealthy from the start, as its CloudWatch metrics are (metrics-plugin.ts), so
 * logs, metrics and alarms tell the same story within the rollout's first minute.
 */
function serviceUnhealthy(world: World, cluster: ClusterRecord, service: ServiceRecord, minute: number): boolean {
  if (service.status === 'ACTIVE' && service.deployments.some((d) => world.isBadImage(world.taskDefinitionByRef(d.taskDefinition)?.containerDefinitions.find((c) => c.essential)?.image ?? ''))) return true;
  for (const task of cluster.tasks.values()) {
    if (task.service === service.name && task.stopCode === 'EssentialContainerExited' && task.stoppingAt !== undefined && minute - task.stoppingAt < UNHEALTHY_AFTER_CRASH_MS) return true;
  }
  return false;
}

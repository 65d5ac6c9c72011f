/**
 * CloudWatch's side of the simulation: registers the series the fleet produces, samples the
 * live fleet every simulated minute into them, and evaluates the alarms on what it sampled.
 */
import { DEFAULT_ACCOUNT_ID, type ServiceRecord, type TaskRecord, type World } from '../sim/world';
import type { SimulationPlugin } from '../state';
import { AlarmBook, evaluateAlarm, nextAlarmState, type AlarmConfig, type AlarmRecord, type Datapoint } from './alarms';
import { baselineState, cpuMinute, hashString, leakyTaskMemory, memoryMinute, noise, serviceProfile, targetGroupMinute, type ServiceProfile, type ServiceState } from './metrics-model';
import { prepareQueries, runMetricQueries, type MetricQuery, type PreparedQueries } from './metrics-query';
import type { MinuteStats } from './metrics-stats';
import { parseStatistic } from './metrics-stats';
import { MetricStore, MINUTE_MS, type Dimension, type Series } from './metrics-store';

export const ECS_NAMESPACE = 'AWS/ECS';
export const ALB_NAMESPACE = 'AWS/ApplicationELB';
/** Seeded alarms exist this long before the sandbox starts, with their history replayed. */
const ALARM_REPLAY_MS = 24 * 3600_000;

export const loadBalancerDimension = (arn: string) => arn.slice(arn.indexOf('loadbalancer/') + 'loadbalancer/'.length);
export const targetGroupDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

interface ServiceSeries {
  profile: ServiceProfile;
  cpu: Series;
  memory: Series;
}

interface TargetGroupSeries {
  arn: string;
  owner: ServiceProfile;
  salt: number;
  loadBalancer: string;
  requests: Series;
  latency: Series;
  errors: Series;
  healthy: Series;
  unhealthy: Series;
}

const count = (value: number): MinuteStats => ({ count: 1, sum: value, min: value, max: value });

export class CloudWatchSimulation implements SimulationPlugin {
  store = new MetricStore();
  alarms: AlarmBook;
  private liveFrom = 0;
  private world!: World;
  private services = new Map<string, ServiceSeries>();
  private targetGroups = new Map<string, TargetGroupSeries>();
  private elb5xx = new Map<string, Series>();
  private failure = new Map<string, number>();
  private prepared = new WeakMap<AlarmRecord, { metrics: MetricQuery[]; prepared: PreparedQueries }>();

  constructor(
    readonly region: string,
    readonly accountId = DEFAULT_ACCOUNT_ID,
  ) {
    this.alarms = new AlarmBook(region, accountId);
  }

  reset(world: World, startMs: number): void {
    this.world = world;
    this.store = new MetricStore();
    this.alarms = new AlarmBook(this.region, this.accountId);
    this.services.clear();
    this.targetGroups.clear();
    this.elb5xx.clear();
    this.failure.clear();
    this.liveFrom = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    this.register(world, true);
    this.seedAlarms(world);
  }

  onMinute(world: World, minuteMs: number): void {
    this.world = world;
    this.register(world, false);
    this.sample(world, minuteMs - MINUTE_MS, minuteMs);
    this.evaluateAlarms(minuteMs);
  }

  /** Adds series for services and target groups not seen yet; those born after the start have no history. */
  private register(world: World, atReset: boolean): void {
    const liveFrom = atReset ? this.liveFrom : -Infinity;
    for (const cluster of world.clusters.values()) {
      for (const service of cluster.services.values()) {
        const key = `${cluster.name}/${service.name}`;
        if (this.services.has(key)) continue;
        const image = this.imageOf(service.deployments[0]?.taskDefinition);
        const profile = serviceProfile(world.seed, cluster.name, service.name, service.desiredCount, { bad: world.isBadImage(image), flaky: world.isFlakyImage(image) });
        const dimensions = [
          { name: 'ClusterName', value: cluster.name },
          { name: 'ServiceName', value: service.name },
        ];
        const baseline = baselineState(profile);
        // A crash-looping service has a task up a third of the time.
        const stateAt = (m: number): ServiceState => (profile.behaviour === 'crashing' ? { ...baseline, runningTasks: noise(profile.hash, m / MINUTE_MS, 99) < 0.35 ? 1 : 0 } : baseline);
        this.services.set(key, {
          profile,
          cpu: this.store.add({ namespace: ECS_NAMESPACE, metricName: 'CPUUtilization', dimensions, liveFrom, synthesize: (m) => cpuMinute(profile, m, stateAt(m)) }),
          memory: this.store.add({ namespace: ECS_NAMESPACE, metricName: 'MemoryUtilization', dimensions, liveFrom, synthesize: (m) => memoryMinute(profile, m, stateAt(m)) }),
        });
      }
    }
    for (const group of world.targetGroups.values()) {
      if (this.targetGroups.has(group.arn) || group.loadBalancerArns.length === 0) continue;
      const owner = this.ownerOf(world, group.arn);
      if (!owner) continue;
      const loadBalancer = loadBalancerDimension(group.loadBalancerArns[0]!);
      const dimensions: Dimension[] = [
        { name: 'LoadBalancer', value: loadBalancer },
        { name: 'TargetGroup', value: targetGroupDimension(group.arn) },
      ];
      const salt = hashString(group.arn) % 997;
      const share = this.shareOf(world, group.arn);
      const healthy = group.targets.filter((t) => t.state === 'healthy').length;
      const minute = (m: number) => targetGroupMinute(owner, m, share, healthy, 0, salt);
      const add = (metricName: string, synthesize: (m: number) => MinuteStats | undefined, withLatency = false) =>
        this.store.add({ namespace: ALB_NAMESPACE, metricName, dimensions, liveFrom, synthesize, withLatency });
      this.targetGroups.set(group.arn, {
        arn: group.arn,
        owner,
        salt,
        loadBalancer,
        requests: add('RequestCount', (m) => {
          const tg = minute(m);
          return tg ? count(tg.requests) : undefined;
        }),
        latency: add('TargetResponseTime', (m) => minute(m)?.latency, true),
        errors: add('HTTPCode_Target_5XX_Count', (m) => {
          const tg = minute(m);
          return tg && tg.errors5xx > 0 ? count(tg.errors5xx) : undefined;
        }),
        healthy: add('HealthyHostCount', () => count(healthy)),
        unhealthy: add('UnHealthyHostCount', () => count(0)),
      });
      if (!this.elb5xx.has(loadBalancer)) {
        // Only reported when the load balancer itself answers 5xx (no healthy target), so no history.
        this.elb5xx.set(loadBalancer, this.store.add({ namespace: ALB_NAMESPACE, metricName: 'HTTPCode_ELB_5XX_Count', dimensions: [{ name: 'LoadBalancer', value: loadBalancer }], liveFrom }));
      }
    }
  }

  private imageOf(taskDefinition: string | undefined): string {
    if (!taskDefinition) return '';
    return this.world.taskDefinitionByRef(taskDefinition)?.containerDefinitions.find((c) => c.essential)?.image ?? '';
  }

  /** The service whose traffic a target group carries: its own, or that of its listener's other target group (green). */
  private ownerOf(world: World, groupArn: string): ServiceProfile | undefined {
    const direct = (arn: string) => {
      for (const cluster of world.clusters.values()) {
        for (const service of cluster.services.values()) {
          if (service.loadBalancers.some((lb) => lb.targetGroupArn === arn)) return this.services.get(`${cluster.name}/${service.name}`)?.profile;
        }
      }
      return undefined;
    };
    const own = direct(groupArn);
    if (own) return own;
    for (const listener of world.listeners.values()) {
      if (!listener.forwards.some((f) => f.targetGroupArn === groupArn)) continue;
      for (const f of listener.forwards) {
        const sibling = f.targetGroupArn !== groupArn ? direct(f.targetGroupArn) : undefined;
        if (sibling) return sibling;
      }
    }
    return undefined;
  }

  /** The share of its listener's traffic a target group gets from the forward weights. */
  private shareOf(world: World, groupArn: string): number {
    let share = 0;
    for (const listener of world.listeners.values()) {
      const forward = listener.forwards.find((f) => f.targetGroupArn === groupArn);
      if (!forward) continue;
      const total = listener.forwards.reduce((n, f) => n + f.weight, 0);
      share = Math.max(share, total > 0 ? forward.weight / total : 0);
    }
    return share;
  }

  private sample(world: World, sampleMs: number, nowMs: number): void {
    const states = new Map<string, ServiceState & { crashed: number }>();
    const tasksById = new Map<string, TaskRecord>();
    for (const cluster of world.clusters.values()) {
      const byService = new Map<string, TaskRecord[]>();
      for (const task of cluster.tasks.values()) {
        tasksById.set(task.id, task);
        (byService.get(task.service) ?? byService.set(task.service, []).get(task.service)!).push(task);
      }
      for (const service of cluster.services.values()) {
        const key = `${cluster.name}/${service.name}`;
        const series = this.services.get(key);
        if (!series) continue;
        const state = this.serviceState(world, service, byService.get(service.name) ?? [], series.profile, key, nowMs);
        states.set(key, state);
        this.store.record(series.cpu, sampleMs, service.status === 'ACTIVE' ? cpuMinute(series.profile, sampleMs, state) : undefined);
        this.store.record(series.memory, sampleMs, service.status === 'ACTIVE' ? memoryMinute(series.profile, sampleMs, state) : undefined);
      }
    }
    const elb5xx = new Map<string, number>();
    for (const tg of this.targetGroups.values()) {
      const group = world.targetGroups.get(tg.arn);
      const ownerKey = `${tg.owner.cluster}/${tg.owner.service}`;
      const state = states.get(ownerKey);
      const healthy = group?.targets.filter((t) => t.state === 'healthy').length ?? 0;
      // Targets failing their checks: unhealthy ones, and those of a bad image that crash before passing.
      const failing = group?.targets.filter((t) => t.state === 'unhealthy' || (t.state === 'initial' && tasksById.get(t.taskId)?.crashKind === 'bad-image')).length ?? 0;
      const ownsGroup = this.world.clusters.get(tg.owner.cluster)?.services.get(tg.owner.service)?.loadBalancers.some((lb) => lb.targetGroupArn === tg.arn);
      const unhealthy = failing + (ownsGroup ? (state?.crashed ?? 0) : 0);
      const share = this.shareOf(world, tg.arn);
      const slowTargets = group?.targets.filter((t) => t.state === 'healthy' && world.isSlowImage(this.imageOf(tasksById.get(t.taskId)?.taskDefinition))).length ?? 0;
      const minute = targetGroupMinute(tg.owner, sampleMs, share, healthy, state?.failure ?? 0, tg.salt, healthy > 0 ? slowTargets / healthy : 0);
      this.store.record(tg.healthy, sampleMs, count(healthy));
      this.store.record(tg.unhealthy, sampleMs, count(unhealthy));
      this.store.record(tg.requests, sampleMs, minute ? count(minute.requests) : undefined);
      this.store.record(tg.latency, sampleMs, minute?.latency);
      this.store.record(tg.errors, sampleMs, minute && minute.errors5xx > 0 ? count(minute.errors5xx) : undefined);
      if (!minute && healthy === 0 && share > 0) {
        // No healthy target behind a listener that sends traffic: the load balancer answers 503 itself.
        const demand = targetGroupMinute(tg.owner, sampleMs, share, 1, 0, tg.salt)?.requests ?? 0;
        elb5xx.set(tg.loadBalancer, (elb5xx.get(tg.loadBalancer) ?? 0) + demand);
      }
    }
    for (const [loadBalancer, series] of this.elb5xx) {
      const errors = elb5xx.get(loadBalancer) ?? 0;
      this.store.record(series, sampleMs, errors > 0 ? count(errors) : undefined);
    }
  }

  /**
   * How the service looked over the minute. A deployment of a bad image that is still listed
   * (failing, or rolling back) hurts fully; tasks that crashed in the minute hurt; the harm
   * halves each minute after, as clients' retries and reconnects settle.
   */
  private serviceState(world: World, service: ServiceRecord, tasks: TaskRecord[], profile: ServiceProfile, key: string, nowMs: number): ServiceState & { crashed: number } {
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
    const crashed = tasks.filter((t) => t.stopCode === 'EssentialContainerExited' && t.exitCode === 1 && (t.stoppingAt ?? 0) > nowMs - MINUTE_MS).length;
    const badLive = service.status === 'ACTIVE' && service.deployments.some((d) => world.isBadImage(this.imageOf(d.taskDefinition)));
    const now = badLive ? 1 : crashed > 0 ? 0.6 : 0;
    const decayed = (this.failure.get(key) ?? 0) * 0.5;
    const failure = Math.max(now, decayed < 0.02 ? 0 : decayed);
    this.failure.set(key, failure);
    let serving = running.length;
    if (service.loadBalancers.length > 0) {
      const healthyTasks = new Set<string>();
      for (const lb of service.loadBalancers) for (const t of world.targetGroups.get(lb.targetGroupArn)?.targets ?? []) if (t.state === 'healthy') healthyTasks.add(t.taskId);
      serving = healthyTasks.size;
    }
    const taskMemory = profile.behaviour === 'leaky' ? running.map((t) => leakyTaskMemory(profile, nowMs, t.startedAt ?? nowMs, t.crashAt)) : undefined;
    return { runningTasks: running.length, servingTasks: serving, failure, taskMemory, crashed };
  }

  /** The N datapoints (oldest first) an alarm evaluates at `nowMs`: its last N whole periods. */
  alarmDatapoints(alarm: AlarmConfig, nowMs: number): Datapoint[] {
    const period = alarmPeriod(alarm);
    const periodMs = period * 1000;
    const end = Math.floor(nowMs / periodMs) * periodMs;
    const start = end - alarm.evaluationPeriods * periodMs;
    let timestamps: number[] = [];
    let values: number[] = [];
    if (alarm.metric) {
      const series = this.store.find(alarm.metric.namespace, alarm.metric.metricName, alarm.metric.dimensions);
      const stat = parseStatistic(alarm.metric.stat);
      if (series && stat) ({ timestamps, values } = this.store.query(series, start, end, period, stat));
    } else if (alarm.metrics) {
      const result = [...runMetricQueries(this.store, this.preparedFor(alarm), start, end).values()].find((r) => alarm.metrics!.find((q) => q.id === r.id)?.returnData);
      if (result) ({ timestamps, values } = result);
    }
    const byTime = new Map(timestamps.map((t, i) => [t, values[i]!]));
    return Array.from({ length: alarm.evaluationPeriods }, (_, i) => {
      const timestamp = start + i * periodMs;
      return { timestamp, value: byTime.get(timestamp) };
    });
  }

  private preparedFor(alarm: AlarmConfig): PreparedQueries {
    const record = alarm as AlarmRecord;
    const cached = this.prepared.get(record);
    if (cached && cached.metrics === alarm.metrics) return cached.prepared;
    const prepared = prepareQueries(alarm.metrics ?? []);
    this.prepared.set(record, { metrics: alarm.metrics!, prepared });
    return prepared;
  }

  evaluateAlarms(nowMs: number, only?: AlarmRecord[]): void {
    for (const alarm of only ?? this.alarms.list()) {
      const datapoints = this.alarmDatapoints(alarm, nowMs);
      const next = nextAlarmState(alarm, datapoints);
      if (next === null || next === alarm.state) continue;
      const evaluation = evaluateAlarm(alarm, alarm.state, datapoints, nowMs);
      if (!evaluation) continue;
      const reasonData = alarm.metric ? { ...evaluation.reasonData, statistic: alarm.metric.stat, period: alarm.metric.period } : evaluation.reasonData;
      this.alarms.setState(alarm, evaluation.state, evaluation.reason, JSON.stringify(reasonData), nowMs);
    }
  }

  private seedAlarms(world: World): void {
    if (!world.extras.alarms) return;
    const created = this.liveFrom - ALARM_REPLAY_MS;
    const seeded = seededAlarms(world).map((config) => this.alarms.put(config, created));
    // Replays the last day on the synthetic history, so alarms arrive with their state and history.
    for (let t = created + MINUTE_MS; t <= this.liveFrom; t += MINUTE_MS) this.evaluateAlarms(t, seeded);
  }
}

export function alarmPeriod(alarm: Pick<AlarmConfig, 'metric' | 'metrics'>): number {
  if (alarm.metric) return Math.max(60, alarm.metric.period);
  const periods = (alarm.metrics ?? []).map((q) => q.metricStat?.period ?? q.period).filter((p): p is number => p !== undefined);
  return periods.length ? Math.max(60, Math.min(...periods)) : 60;
}

const ecsDims = (cluster: string, service: string): Dimension[] => [
  { name: 'ClusterName', value: cluster },
  { name: 'ServiceName', value: service },
];

function targetGroupDims(world: World, cluster: string, service: string): Dimension[] | null {
  const record = world.clusters.get(cluster)?.services.get(service);
  const groupArn = record?.loadBalancers[0]?.targetGroupArn;
  const group = groupArn ? world.targetGroups.get(groupArn) : undefined;
  if (!group || group.loadBalancerArns.length === 0) return null;
  return [
    { name: 'LoadBalancer', value: loadBalancerDimension(group.loadBalancerArns[0]!) },
    { name: 'TargetGroup', value: targetGroupDimension(group.arn) },
  ];
}

const base = { actionsEnabled: true, okActions: [], alarmActions: [], insufficientDataActions: [] };
const notify = (world: World, topic: string) => [world.arn('sns', topic)];

/** The guide's Codeflow-HighCPU (§4.1) plus the §4.3 / §5.1 thresholds and a few for other services. */
export function seededAlarms(world: World): AlarmConfig[] {
  const alarms: AlarmConfig[] = [
    {
      ...base,
      name: 'Codeflow-HighCPU',
      description: 'CPU utilization is high',
      metric: { namespace: ECS_NAMESPACE, metricName: 'CPUUtilization', dimensions: ecsDims('codeflow-cluster', 'codeflow-service'), period: 300, stat: 'Average' },
      evaluationPeriods: 1,
      threshold: 80,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'missing',
    },
    {
      ...base,
      name: 'Codeflow-HighMemory',
      description: 'Memory utilization above 80 % (guide §4.3)',
      metric: { namespace: ECS_NAMESPACE, metricName: 'MemoryUtilization', dimensions: ecsDims('codeflow-cluster', 'codeflow-service'), period: 300, stat: 'Average' },
      evaluationPeriods: 2,
      threshold: 80,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'missing',
    },
    {
      ...base,
      name: 'search-indexer-HighMemory',
      description: 'search-indexer is about to be OOM-killed',
      metric: { namespace: ECS_NAMESPACE, metricName: 'MemoryUtilization', dimensions: ecsDims('codeflow-staging', 'search-indexer'), period: 60, stat: 'Maximum' },
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 90,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'missing',
    },
  ];
  const codeflowGroup = targetGroupDims(world, 'codeflow-cluster', 'codeflow-service');
  if (codeflowGroup) {
    alarms.push(
      {
        ...base,
        alarmActions: notify(world, 'codeflow-oncall'),
        name: 'Codeflow-HighLatency',
        description: 'p95 response time above 500 ms (guide §5.1 rollback trigger)',
        metric: { namespace: ALB_NAMESPACE, metricName: 'TargetResponseTime', dimensions: codeflowGroup, period: 60, stat: 'p95' },
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: 0.5,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      },
      {
        ...base,
        alarmActions: notify(world, 'codeflow-oncall'),
        name: 'Codeflow-5xxRate',
        description: '5xx above 5 % of requests (guide §5.1 rollback trigger)',
        metrics: [
          { id: 'm1', metricStat: { namespace: ALB_NAMESPACE, metricName: 'HTTPCode_Target_5XX_Count', dimensions: codeflowGroup, period: 60, stat: 'Sum' }, returnData: false },
          { id: 'm2', metricStat: { namespace: ALB_NAMESPACE, metricName: 'RequestCount', dimensions: codeflowGroup, period: 60, stat: 'Sum' }, returnData: false },
          { id: 'e1', expression: 'FILL(m1, 0) / m2 * 100', label: '5xx rate (%)', returnData: true },
        ],
        // One minute over 5 % is already a rollback trigger (guide §5.1): with hundreds of requests a
        // minute it is not noise, and on-call hears of a bad rollout within a minute of it.
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 5,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      },
    );
  }
  const payments = targetGroupDims(world, 'codeflow-cluster', 'payments-api');
  if (payments) {
    alarms.push({
      ...base,
      name: 'payments-api-HighLatency',
      metric: { namespace: ALB_NAMESPACE, metricName: 'TargetResponseTime', dimensions: payments, period: 60, stat: 'p99' },
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: 1,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
  }
  const auth = targetGroupDims(world, 'codeflow-cluster', 'auth-gateway');
  if (auth) {
    alarms.push({
      ...base,
      name: 'auth-gateway-UnhealthyHosts',
      metric: { namespace: ALB_NAMESPACE, metricName: 'UnHealthyHostCount', dimensions: auth, period: 60, stat: 'Maximum' },
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  }
  return alarms.filter((a) => !a.metric || world.clusters.get(a.metric.dimensions.find((d) => d.name === 'ClusterName')?.value ?? 'codeflow-cluster'));
}

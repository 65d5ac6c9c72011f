import { Rng } from './rng';
import { TIMING, addEvent, circuitBreakerThreshold, newDeploymentId } from './engine';
import { DEFAULT_ACCOUNT_ID, World, type ClusterRecord, type ContainerDef, type LifecycleHookConfig, type ServiceRecord, type TaskDefinitionRecord } from './world';

export interface FleetOptions {
  seed: number;
  region: string;
  startMs: number;
  /** Total services across clusters; the named fleet is topped up with generated workers. */
  fleetSize?: number;
  /** The account the world plays (its ARNs, registry, roles); 123456789012 unless told. */
  accountId?: string;
  /** What the world holds; the guide's fleet (PRIMARY_LAYOUT) unless told. */
  layout?: FleetLayout;
}

/**
 * What one world (an account × Region) holds: its clusters, the services in them, and whether the
 * account-level extras beside the fleet exist there (the guide's alarms, the backed-up databases).
 */
export interface FleetLayout {
  name: string;
  /** Created in this order, empty ones too. */
  clusters: readonly string[];
  /** The services, for the world they are built in (a blueprint may name its account or Region). */
  services(world: World): ServiceBlueprint[];
  /** Whether `fleetSize` tops the fleet up with generated workers (the primary world, and the generated layout). */
  topUp: boolean;
  alarms: boolean;
  backups: boolean;
}

export interface ServiceBlueprint {
  cluster: string;
  name: string;
  family: string;
  repository: string;
  tag: string;
  desired: number;
  /** Port of the web container; services with one sit behind the cluster's load balancer. */
  port?: number;
  /** Two target groups behind one listener, for the guide's switch by modify-listener (the service stays ROLLING). */
  blueGreen?: boolean;
  /** ECS-native BLUE_GREEN strategy: alternate target group, production listener, bake time and lifecycle hooks. */
  nativeBlueGreen?: { bakeTimeInMinutes: number; hooks: LifecycleHookConfig[] };
  circuitBreaker?: boolean;
  cpu: string;
  memory: string;
  env: Record<string, string>;
  secrets?: string[];
}

export const PRODUCTION_CLUSTER = 'codeflow-cluster';
export const STAGING_CLUSTER = 'codeflow-staging';

/** The fleet named as in the deployment guide, plus neighbours that make the overview realistic. */
const namedFleet = (world: World): ServiceBlueprint[] => [
  { cluster: PRODUCTION_CLUSTER, name: 'codeflow-service', family: 'codeflow', repository: 'codeflow', tag: 'v1.4.2', desired: 3, port: 3000, blueGreen: true, cpu: '512', memory: '1024', env: { NODE_ENV: 'production', LOG_LEVEL: 'info', AWS_REGION: 'us-east-1' }, secrets: ['DATABASE_URL', 'REDIS_URL'] },
  { cluster: PRODUCTION_CLUSTER, name: 'codeflow-worker', family: 'codeflow-worker', repository: 'codeflow-worker', tag: 'v1.4.2', desired: 2, cpu: '256', memory: '512', env: { NODE_ENV: 'production', QUEUE: 'jobs' }, secrets: ['DATABASE_URL'] },
  { cluster: PRODUCTION_CLUSTER, name: 'payments-api', family: 'payments-api', repository: 'payments-api', tag: '2026.11.20-7f3c2a1', desired: 4, port: 8080, cpu: '1024', memory: '2048', env: { SPRING_PROFILES_ACTIVE: 'prod', JAVA_OPTS: '-Xmx1536m' }, secrets: ['STRIPE_API_KEY', 'DB_PASSWORD'] },
  { cluster: PRODUCTION_CLUSTER, name: 'auth-gateway', family: 'auth-gateway', repository: 'auth-gateway', tag: 'v3.12.0', desired: 3, port: 8443, cpu: '512', memory: '1024', env: { UPSTREAM_TIMEOUT_MS: '2000' }, secrets: ['JWT_SIGNING_KEY'] },
  { cluster: PRODUCTION_CLUSTER, name: 'notifications', family: 'notifications', repository: 'notifications', tag: 'v0.9.7', desired: 2, cpu: '256', memory: '512', env: { SMTP_HOST: 'email-smtp.us-east-1.amazonaws.com' }, secrets: ['SMTP_PASSWORD'] },
  { cluster: STAGING_CLUSTER, name: 'codeflow-service', family: 'codeflow-staging', repository: 'codeflow', tag: 'v1.5.0-rc.1', desired: 1, port: 3000, cpu: '256', memory: '512', env: { NODE_ENV: 'staging', LOG_LEVEL: 'debug' }, secrets: ['DATABASE_URL'] },
  // ECS-native blue/green: a Lambda smoke test after scale-up, then a pause for approval after the
  // test traffic shift (the sandbox's convention: a hook function named "*pause*" waits for ContinueServiceDeployment).
  {
    cluster: STAGING_CLUSTER, name: 'checkout-api', family: 'checkout-api', repository: 'checkout-api', tag: 'v2.0.0-beta.3', desired: 2, port: 8080, cpu: '512', memory: '1024', env: { NODE_ENV: 'staging' }, secrets: ['PAYMENTS_TOKEN'],
    nativeBlueGreen: {
      bakeTimeInMinutes: 2,
      hooks: [
        { targetType: 'AWS_LAMBDA', hookTargetArn: world.arn('lambda', 'function:checkout-api-smoke-test'), roleArn: world.iamArn('role/ecsLifecycleHookRole'), lifecycleStages: ['POST_SCALE_UP'] },
        { targetType: 'AWS_LAMBDA', hookTargetArn: world.arn('lambda', 'function:checkout-api-pause-for-approval'), roleArn: world.iamArn('role/ecsLifecycleHookRole'), lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] },
      ],
    },
  },
  // OOM-killed now and then: a living fleet has a service that keeps flapping.
  { cluster: STAGING_CLUSTER, name: 'search-indexer', family: 'search-indexer', repository: 'search-indexer', tag: '1.8.0-leaky', desired: 2, cpu: '512', memory: '1024', env: { BATCH_SIZE: '500' } },
  // Crash-looping with no circuit breaker: what "down" looks like.
  { cluster: STAGING_CLUSTER, name: 'reports-worker', family: 'reports-worker', repository: 'reports-worker', tag: '0.4.1-broken', desired: 1, circuitBreaker: false, cpu: '256', memory: '512', env: { REPORT_BUCKET: 'codeflow-reports-staging' } },
];

/** The production account's home Region: the world the sandbox always was. */
export const PRIMARY_LAYOUT: FleetLayout = { name: 'primary', clusters: [PRODUCTION_CLUSTER, STAGING_CLUSTER], services: namedFleet, topUp: true, alarms: true, backups: true };

/** The production account's DR Region: the guide's service as a warm standby, one task each. */
export const DR_LAYOUT: FleetLayout = {
  name: 'dr',
  clusters: [PRODUCTION_CLUSTER],
  services: (world): ServiceBlueprint[] => [
    { cluster: PRODUCTION_CLUSTER, name: 'codeflow-service', family: 'codeflow', repository: 'codeflow', tag: 'v1.4.2', desired: 1, port: 3000, cpu: '512', memory: '1024', env: { NODE_ENV: 'production', LOG_LEVEL: 'info', AWS_REGION: world.region, CODEFLOW_ROLE: 'standby' }, secrets: ['DATABASE_URL', 'REDIS_URL'] },
    { cluster: PRODUCTION_CLUSTER, name: 'codeflow-worker', family: 'codeflow-worker', repository: 'codeflow-worker', tag: 'v1.4.2', desired: 1, cpu: '256', memory: '512', env: { NODE_ENV: 'production', QUEUE: 'jobs' }, secrets: ['DATABASE_URL'] },
  ],
  topUp: false,
  alarms: false,
  backups: false,
};

/** The staging account's home Region: the same names as production, one release candidate ahead. */
export const STAGING_ACCOUNT_LAYOUT: FleetLayout = {
  name: 'staging',
  clusters: [PRODUCTION_CLUSTER],
  services: (): ServiceBlueprint[] => [
    { cluster: PRODUCTION_CLUSTER, name: 'codeflow-service', family: 'codeflow', repository: 'codeflow', tag: 'v1.5.0-rc.2', desired: 2, port: 3000, cpu: '256', memory: '512', env: { NODE_ENV: 'staging', LOG_LEVEL: 'debug' }, secrets: ['DATABASE_URL', 'REDIS_URL'] },
    { cluster: PRODUCTION_CLUSTER, name: 'codeflow-worker', family: 'codeflow-worker', repository: 'codeflow-worker', tag: 'v1.5.0-rc.2', desired: 1, cpu: '256', memory: '512', env: { NODE_ENV: 'staging', QUEUE: 'jobs' }, secrets: ['DATABASE_URL'] },
    { cluster: PRODUCTION_CLUSTER, name: 'payments-api', family: 'payments-api', repository: 'payments-api', tag: '2026.11.26-9d1e0b4', desired: 1, port: 8080, cpu: '512', memory: '1024', env: { SPRING_PROFILES_ACTIVE: 'staging' }, secrets: ['STRIPE_API_KEY'] },
  ],
  topUp: false,
  // The guide's alarms exist in staging too, so the Alarms page shows two accounts' Codeflow-HighCPU.
  alarms: true,
  backups: false,
};

/** A Region holding only generated workers, in the guide's two clusters (an account with a `fleetSize`). */
export const GENERATED_LAYOUT: FleetLayout = { name: 'generated', clusters: [PRODUCTION_CLUSTER, STAGING_CLUSTER], services: () => [], topUp: true, alarms: false, backups: false };

/** A Region with nothing in it, as most of an account's Regions are. */
export const EMPTY_LAYOUT: FleetLayout = { name: 'empty', clusters: [], services: () => [], topUp: false, alarms: false, backups: false };

const WORKER_REPOSITORIES = ['billing-sync', 'image-resizer', 'audit-shipper', 'cart-events', 'ledger', 'geo-lookup', 'feature-flags', 'email-render', 'pdf-export', 'metrics-relay'];

export function createFleet(options: FleetOptions): World {
  const rng = new Rng(options.seed);
  const layout = options.layout ?? PRIMARY_LAYOUT;
  const world = new World(options.seed, options.region, rng, options.startMs, options.accountId ?? DEFAULT_ACCOUNT_ID, { alarms: layout.alarms, backups: layout.backups });
  const now = options.startMs;

  for (const name of layout.clusters) {
    world.clusters.set(name, { name, arn: world.arn('ecs', `cluster/${name}`), createdAt: now - 400 * 86400_000, services: new Map(), tasks: new Map() });
  }
  const named = layout.services(world);
  const blueprints = [...named];
  const extra = layout.topUp ? Math.max(0, (options.fleetSize ?? 0) - named.length) : 0;
  for (let i = 0; i < extra; i++) {
    const repository = WORKER_REPOSITORIES[i % WORKER_REPOSITORIES.length]!;
    const name = `${repository}-${String(i + 1).padStart(3, '0')}`;
    blueprints.push({
      cluster: i % 3 === 2 ? STAGING_CLUSTER : PRODUCTION_CLUSTER,
      name,
      family: name,
      repository,
      tag: `v${rng.int(0, 4)}.${rng.int(0, 20)}.${rng.int(0, 9)}`,
      desired: rng.int(1, 3),
      cpu: '256',
      memory: '512',
      env: { NODE_ENV: 'production' },
    });
  }

  const loadBalancers = new Map<string, string>();
  for (const blueprint of blueprints) {
    const cluster = world.clusters.get(blueprint.cluster)!;
    if (blueprint.port !== undefined && !loadBalancers.has(cluster.name)) loadBalancers.set(cluster.name, createLoadBalancer(world, cluster, now));
    createService(world, cluster, blueprint, blueprint.port !== undefined ? loadBalancers.get(cluster.name)! : null, now);
  }
  return world;
}

function createLoadBalancer(world: World, cluster: ClusterRecord, now: number): string {
  const name = cluster.name === PRODUCTION_CLUSTER ? 'codeflow-alb' : 'codeflow-staging-alb';
  const suffix = world.rng.hex(16);
  const arn = world.arn('elasticloadbalancing', `loadbalancer/app/${name}/${suffix}`);
  world.loadBalancers.set(arn, {
    arn,
    name,
    dnsName: `${name}-${world.rng.digits(10)}.${world.region}.elb.amazonaws.com`,
    scheme: 'internet-facing',
    vpcId: 'vpc-0c0de0f10w0000001',
    createdAt: now - 300 * 86400_000,
    availabilityZones: [`${world.region}a`, `${world.region}b`],
  });
  return arn;
}

function createTargetGroup(world: World, name: string, port: number, loadBalancerArn: string, healthCheckPath: string, rng: Rng = world.rng): string {
  const arn = world.arn('elasticloadbalancing', `targetgroup/${name}/${rng.hex(16)}`);
  world.targetGroups.set(arn, { arn, name, port, protocol: 'HTTP', vpcId: 'vpc-0c0de0f10w0000001', healthCheckPath, loadBalancerArns: [loadBalancerArn], targets: [] });
  return arn;
}

function createListener(world: World, loadBalancerArn: string, port: number, forwards: { targetGroupArn: string; weight: number }[]): string {
  const lbPath = loadBalancerArn.slice(loadBalancerArn.indexOf('loadbalancer/') + 'loadbalancer/'.length);
  const arn = world.arn('elasticloadbalancing', `listener/${lbPath}/${world.rng.hex(16)}`);
  world.listeners.set(arn, { arn, loadBalancerArn, port, protocol: port === 443 ? 'HTTPS' : 'HTTP', forwards });
  return arn;
}

function registerRevisions(world: World, blueprint: ServiceBlueprint, now: number): TaskDefinitionRecord {
  const count = world.rng.int(2, 6);
  const revisions: TaskDefinitionRecord[] = [];
  const image = `${world.ecrRegistry}/${blueprint.repository}`;
  for (let revision = 1; revision <= count; revision++) {
    // The guide deploys codeflow:2 over codeflow:1, so its family starts at revision 1.
    if (blueprint.family === 'codeflow' && revision > 1) break;
    const container: ContainerDef = {
      name: blueprint.repository,
      image: `${image}:${revision === count || blueprint.family === 'codeflow' ? blueprint.tag : `v0.${revision}.0`}`,
      essential: true,
      portMappings: blueprint.port !== undefined ? [{ containerPort: blueprint.port, hostPort: blueprint.port, protocol: 'tcp' }] : [],
      environment: Object.entries(blueprint.env).map(([name, value]) => ({ name, value })),
      secrets: (blueprint.secrets ?? []).map((name) => ({ name, valueFrom: world.arn('secretsmanager', `secret:${blueprint.family}/${name.toLowerCase()}`) })),
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${blueprint.family}`, 'awslogs-region': world.region, 'awslogs-stream-prefix': 'ecs' } },
    };
    revisions.push({
      family: blueprint.family,
      revision,
      arn: world.arn('ecs', `task-definition/${blueprint.family}:${revision}`),
      status: 'ACTIVE',
      containerDefinitions: [container],
      cpu: blueprint.cpu,
      memory: blueprint.memory,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: world.iamArn('role/ecsTaskExecutionRole'),
      taskRoleArn: world.iamArn(`role/${blueprint.family}-task`),
      registeredAt: now - (count - revision + 1) * world.rng.int(2, 9) * 86400_000,
      registeredBy: world.iamArn('role/deployment-user'),
    });
  }
  world.taskDefinitions.set(blueprint.family, revisions);
  // Every image the revisions name was pushed to the account's ECR before it was registered.
  for (const td of revisions) {
    const image = td.containerDefinitions[0]!.image;
    world.pushEcrImage(blueprint.repository, image.slice(image.lastIndexOf(':') + 1), td.registeredAt - 3600_000);
  }
  return revisions[revisions.length - 1]!;
}

function createService(world: World, cluster: ClusterRecord, blueprint: ServiceBlueprint, loadBalancerArn: string | null, now: number): void {
  const taskDefinition = registerRevisions(world, blueprint, now);
  const deployedAt = now - world.rng.int(2, 96) * 3600_000;
  const service: ServiceRecord = {
    name: blueprint.name,
    arn: world.arn('ecs', `service/${cluster.name}/${blueprint.name}`),
    cluster: cluster.name,
    status: 'ACTIVE',
    desiredCount: blueprint.desired,
    launchType: 'FARGATE',
    deployments: [],
    events: [],
    loadBalancers: [],
    circuitBreaker: { enable: blueprint.circuitBreaker ?? true, rollback: blueprint.circuitBreaker ?? true },
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    healthCheckGracePeriodSeconds: 30,
    createdAt: now - world.rng.int(30, 300) * 86400_000,
    history: [],
    subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
  };
  if (loadBalancerArn && blueprint.port !== undefined) {
    const prefix = cluster.name === STAGING_CLUSTER ? `stg-${blueprint.name}` : blueprint.name.replace(/-service$/, '');
    if (blueprint.blueGreen) {
      const blue = createTargetGroup(world, `${prefix}-blue`, blueprint.port, loadBalancerArn, '/health');
      const green = createTargetGroup(world, `${prefix}-green`, blueprint.port, loadBalancerArn, '/health');
      createListener(world, loadBalancerArn, 443, [{ targetGroupArn: blue, weight: 100 }, { targetGroupArn: green, weight: 0 }]);
      service.loadBalancers.push({ targetGroupArn: blue, containerName: blueprint.repository, containerPort: blueprint.port });
    } else if (blueprint.nativeBlueGreen) {
      const blue = createTargetGroup(world, `${prefix}-blue`, blueprint.port, loadBalancerArn, '/health');
      // A side generator for the extra group, so the rest of the seeded fleet stays as it was.
      const green = createTargetGroup(world, `${prefix}-green`, blueprint.port, loadBalancerArn, '/health', new Rng(world.seed ^ 0xb1e6));
      const listenerPort = 8000 + world.listeners.size;
      const listener = createListener(world, loadBalancerArn, listenerPort, [{ targetGroupArn: blue, weight: 100 }, { targetGroupArn: green, weight: 0 }]);
      service.loadBalancers.push({
        targetGroupArn: blue,
        containerName: blueprint.repository,
        containerPort: blueprint.port,
        advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: listener, roleArn: world.iamArn('role/ecsInfrastructureRoleForLoadBalancers') },
      });
      service.strategy = 'BLUE_GREEN';
      service.bakeTimeInMinutes = blueprint.nativeBlueGreen.bakeTimeInMinutes;
      service.lifecycleHooks = blueprint.nativeBlueGreen.hooks;
    } else {
      const group = createTargetGroup(world, `${prefix}-tg`.slice(0, 32), blueprint.port, loadBalancerArn, '/health');
      const listenerPort = cluster.name === STAGING_CLUSTER && blueprint.name === 'codeflow-service' ? 443 : 8000 + world.listeners.size;
      createListener(world, loadBalancerArn, listenerPort, [{ targetGroupArn: group, weight: 1 }]);
      service.loadBalancers.push({ targetGroupArn: group, containerName: blueprint.repository, containerPort: blueprint.port });
    }
  }
  cluster.services.set(service.name, service);

  const id = newDeploymentId(world);
  const serviceDeploymentArn = world.arn('ecs', `service-deployment/${cluster.name}/${service.name}/${world.rng.digits(19)}`);
  const broken = world.isBadImage(taskDefinition.containerDefinitions[0]!.image);
  service.deployments.push({
    id,
    status: 'PRIMARY',
    taskDefinition: taskDefinition.arn,
    desiredCount: blueprint.desired,
    failedTasks: broken ? world.rng.int(40, 90) : 0,
    createdAt: deployedAt,
    updatedAt: deployedAt + 240_000,
    rolloutState: broken ? 'IN_PROGRESS' : 'COMPLETED',
    rolloutStateReason: broken ? 'ECS deployment in progress.' : `ECS deployment ${id} completed.`,
    rollbackTo: null,
    isRollback: false,
    serviceDeploymentArn,
    loadBalancers: service.loadBalancers.map((lb) => ({ targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort })),
  });
  const serviceRevisionArn = world.arn('ecs', `service-revision/${cluster.name}/${service.name}/${world.rng.digits(19)}`);
  world.serviceRevisions.set(serviceRevisionArn, {
    arn: serviceRevisionArn,
    serviceArn: service.arn,
    clusterArn: cluster.arn,
    taskDefinition: taskDefinition.arn,
    loadBalancers: service.loadBalancers.map((lb) => ({ ...lb })),
    createdAt: deployedAt,
  });
  service.history.push({
    arn: serviceDeploymentArn,
    deploymentId: id,
    serviceRevisionArn,
    sourceRevisionArns: [],
    taskDefinition: taskDefinition.arn,
    status: broken ? 'IN_PROGRESS' : 'SUCCESSFUL',
    createdAt: deployedAt,
    startedAt: deployedAt,
    finishedAt: broken ? undefined : deployedAt + 240_000,
    failureCount: 0,
    threshold: circuitBreakerThreshold(blueprint.desired),
    circuitBreakerEnabled: service.circuitBreaker.enable,
  });
  addEvent(world, service, deployedAt, `has started ${blueprint.desired} tasks.`);
  if (!broken) {
    addEvent(world, service, deployedAt + 240_000, `(deployment ${id}) deployment completed.`);
    for (let t = deployedAt + 240_000; t < now; t += 6 * 3600_000) addEvent(world, service, t, 'has reached a steady state.');
  }

  for (let i = 0; i < blueprint.desired; i++) {
    const taskId = world.rng.hex(32);
    const startedAt = deployedAt + world.rng.int(30, 120) * 1000;
    const zone = `${world.region}${'abc'[i % 3]}`;
    const ip = world.nextIp();
    cluster.tasks.set(taskId, {
      id: taskId,
      arn: world.arn('ecs', `task/${cluster.name}/${taskId}`),
      cluster: cluster.name,
      service: service.name,
      deploymentId: id,
      taskDefinition: taskDefinition.arn,
      // A crash-looping service's current task is mid-start; the engine takes it from there.
      lastStatus: broken ? 'PENDING' : 'RUNNING',
      desiredStatus: 'RUNNING',
      createdAt: broken ? now - 5000 : startedAt - 25_000,
      startedAt: broken ? undefined : startedAt,
      nextAt: broken ? now + TIMING.pending * 1000 : startedAt,
      availabilityZone: zone,
      privateIp: ip,
    });
    if (!broken && world.isFlakyImage(taskDefinition.containerDefinitions[0]!.image)) {
      const task = cluster.tasks.get(taskId)!;
      task.crashAt = now + Math.round(-Math.log(1 - world.rng.next()) * TIMING.flakyMeanLifetime * 0.3) * 1000;
      task.crashKind = 'oom';
    }
    for (const lb of service.loadBalancers) {
      if (broken) continue;
      world.targetGroups.get(lb.targetGroupArn)!.targets.push({ id: ip, port: lb.containerPort, taskId, state: 'healthy', since: startedAt + 20_000, availabilityZone: zone });
    }
  }
}

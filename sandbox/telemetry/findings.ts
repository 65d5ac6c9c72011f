import { Rng } from '../sim/rng';
import { PRODUCTION_CLUSTER } from '../sim/seed-fleet';
import { type ClusterRecord, type ServiceRecord, type TaskRecord, type World } from '../sim/world';
import type { SimulationPlugin } from '../state';

/** The account's one detector; the id AWS's own docs use, so guide commands can be pasted. */
export const DETECTOR_ID = '12abc34d567e8fa901bc2d34e56789f0';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** GuardDuty keeps findings for 90 days. */
const RETENTION_MS = 90 * DAY_MS;
/** A few new findings per simulated day, and about as many repeats of open ones. */
const NEW_PER_MINUTE = 4 / 1440;
const REPEAT_PER_MINUTE = 3 / 1440;

/**
 * A finding exactly as GuardDuty's JSON carries it (camelCase). Finding-level times are ISO
 * strings; the nested task and process times are modelled as timestamps, so epoch seconds.
 */
export interface FindingRecord {
  accountId: string;
  arn: string;
  createdAt: string;
  id: string;
  partition: 'aws';
  region: string;
  resource: Record<string, unknown> & { resourceType: 'ECSCluster' | 'AccessKey' };
  schemaVersion: '2.0';
  severity: number;
  confidence: number;
  type: string;
  title: string;
  description: string;
  updatedAt: string;
  service: Record<string, unknown> & {
    serviceName: 'guardduty';
    detectorId: string;
    archived: boolean;
    count: number;
    eventFirstSeen: string;
    eventLastSeen: string;
    featureName: string;
  };
}

interface TaskTarget {
  cluster: ClusterRecord;
  service: ServiceRecord;
  taskId: string;
  taskArn: string;
  taskDefinitionArn: string;
  startedAt: number;
  privateIp: string;
  container: { name: string; image: string };
}

interface Template {
  type: string;
  /** Base severity; each finding varies it within its band. */
  severity: 2 | 5 | 8 | 9;
  weight: number;
  target: 'task' | 'role' | 'root' | 'user';
  featureName: string;
  title: (t: TaskTarget) => string;
  description: (t: TaskTarget, f: Facts) => string;
  process?: { name: string; path: string };
  dns?: string[];
  network?: { port: number; portName: string; external: boolean };
  api?: { name: string; service: string };
}

/** Per-finding random facts (remote peer, process ids) drawn once from the finding's rng. */
interface Facts {
  remoteIp: string;
  country: { countryCode: string; countryName: string };
  org: string;
  domain: string;
}

const where = (t: TaskTarget) => `task ${t.taskId} of service ${t.service.name} in ECS cluster ${t.cluster.name}`;

const TEMPLATES: Template[] = [
  { type: 'Discovery:Runtime/SuspiciousCommand', severity: 2, weight: 5, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'find', path: '/usr/bin/find' }, title: () => 'Suspicious discovery command executed in a container.', description: (t) => `A command commonly used for discovery (find / -perm -4000) was executed in container ${t.container.name} of ${where(t)}.` },
  { type: 'Policy:IAMUser/RootCredentialUsage', severity: 2, weight: 1, target: 'root', featureName: 'CloudTrail', api: { name: 'ListBuckets', service: 's3.amazonaws.com' }, title: () => 'API ListBuckets was invoked using root credentials.', description: (_t, f) => `API ListBuckets was invoked using root credentials from IP address ${f.remoteIp}.` },
  { type: 'Discovery:S3/AnomalousBehavior', severity: 2, weight: 3, target: 'role', featureName: 'S3DataEvents', api: { name: 'ListObjects', service: 's3.amazonaws.com' }, title: (t) => `An API commonly used to discover S3 objects was invoked by role ${t.service.name}-task.`, description: (t) => `The ECS task role of service ${t.service.name} invoked ListObjects in a way not seen before for this principal.` },
  { type: 'Stealth:IAMUser/CloudTrailLoggingDisabled', severity: 2, weight: 1, target: 'user', featureName: 'CloudTrail', api: { name: 'StopLogging', service: 'cloudtrail.amazonaws.com' }, title: () => 'AWS CloudTrail trail codeflow-trail was disabled.', description: () => 'The principal deployment-user called StopLogging on trail codeflow-trail; disabling logging can be used to hide activity.' },
  { type: 'Execution:Runtime/NewBinaryExecuted', severity: 5, weight: 5, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'kworkerd', path: '/tmp/.cache/kworkerd' }, title: () => 'A newly created or recently modified binary file was executed in a container.', description: (t) => `A binary created after container ${t.container.name} started (/tmp/.cache/kworkerd) was executed in ${where(t)}.` },
  { type: 'Recon:Runtime/PortScan', severity: 5, weight: 2, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'nmap', path: '/usr/bin/nmap' }, network: { port: 22, portName: 'SSH', external: false }, title: () => 'A container is probing ports of other hosts in the VPC.', description: (t, f) => `Container ${t.container.name} of ${where(t)} probed a large number of ports on ${f.remoteIp} and its neighbours.` },
  { type: 'DefenseEvasion:Runtime/ProcessInjection.Ptrace', severity: 5, weight: 2, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'gdb', path: '/usr/bin/gdb' }, title: () => 'Process injection using ptrace was detected in a container.', description: (t) => `A process in container ${t.container.name} of ${where(t)} attached to another process with ptrace and wrote to its memory.` },
  { type: 'Recon:IAMUser/MaliciousIPCaller', severity: 5, weight: 2, target: 'role', featureName: 'CloudTrail', api: { name: 'DescribeInstances', service: 'ec2.amazonaws.com' }, title: () => 'Reconnaissance API DescribeInstances was invoked from a known malicious IP address.', description: (t, f) => `The credentials of ECS task role ${t.service.name}-task called DescribeInstances from ${f.remoteIp}, which is on a threat list.` },
  { type: 'CryptoCurrency:Runtime/BitcoinTool.B!DNS', severity: 8, weight: 0.6, target: 'task', featureName: 'RuntimeMonitoring', dns: ['xmr.pool.minergate.com', 'pool.supportxmr.com', 'btc.f2pool.com'], title: () => 'Bitcoin-related domain name queried by a container.', description: (t, f) => `Container ${t.container.name} of ${where(t)} queried ${f.domain}, a domain associated with cryptocurrency activity.` },
  { type: 'Backdoor:Runtime/C&CActivity.B!DNS', severity: 8, weight: 0.6, target: 'task', featureName: 'RuntimeMonitoring', dns: ['update.kd-relay.net', 'cdn.bt-telemetry.org'], title: () => 'Command and control server domain name queried by a container.', description: (t, f) => `Container ${t.container.name} of ${where(t)} queried ${f.domain}, a known command and control server.` },
  { type: 'PrivilegeEscalation:Runtime/ContainerMountsHostDirectory', severity: 8, weight: 0.6, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'mount', path: '/usr/bin/mount' }, title: () => 'A container mounted a sensitive host directory.', description: (t) => `Container ${t.container.name} of ${where(t)} mounted /var/run from its host, which can give it control of the host.` },
  { type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', severity: 8, weight: 0.6, target: 'role', featureName: 'CloudTrail', api: { name: 'GetCallerIdentity', service: 'sts.amazonaws.com' }, title: (t) => `Credentials of ECS task role ${t.service.name}-task were used from an external IP address.`, description: (t, f) => `Temporary credentials issued to ${where(t)} were used from ${f.remoteIp} (${f.country.countryName}), outside AWS.` },
  { type: 'Impact:Runtime/CryptoMinerExecuted', severity: 8, weight: 0.6, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'xmrig', path: '/tmp/xmrig' }, title: () => 'A cryptocurrency miner was executed in a container.', description: (t) => `Container ${t.container.name} of ${where(t)} executed xmrig, a cryptocurrency mining tool.` },
  { type: 'Execution:Runtime/ReverseShell', severity: 8, weight: 0.6, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'bash', path: '/bin/bash' }, network: { port: 4444, portName: 'Unknown', external: true }, title: () => 'A reverse shell was opened in a container.', description: (t, f) => `A shell in container ${t.container.name} of ${where(t)} has its input and output redirected to ${f.remoteIp}:4444.` },
  { type: 'AttackSequence:ECS/CompromisedCluster', severity: 9, weight: 0.3, target: 'task', featureName: 'RuntimeMonitoring', process: { name: 'xmrig', path: '/tmp/xmrig' }, title: (t) => `Potential compromise of ECS cluster ${t.cluster.name}.`, description: (t) => `A sequence of runtime signals in ${where(t)} (new binary, crypto mining, outbound C&C) indicates the cluster may be compromised.` },
];

const COUNTRIES = [
  { countryCode: 'RU', countryName: 'Russia' },
  { countryCode: 'CN', countryName: 'China' },
  { countryCode: 'NL', countryName: 'Netherlands' },
  { countryCode: 'BR', countryName: 'Brazil' },
  { countryCode: 'US', countryName: 'United States' },
];
const ORGS = ['DigitalOcean, LLC', 'OVH SAS', 'Hetzner Online GmbH', 'Choopa, LLC'];

/** Findings of the account's detector: a 30-day history at reset, then new ones over simulated time. */
export class FindingsSimulation implements SimulationPlugin {
  readonly detectorId = DETECTOR_ID;
  /** By id, in creation order. */
  readonly findings = new Map<string, FindingRecord>();
  detectorCreatedAt = 0;
  private rng = new Rng(1);
  private world!: World;

  reset(world: World, startMs: number): void {
    this.world = world;
    // Its own stream: drawing from the world's rng would change the fleet's behaviour.
    this.rng = new Rng((world.seed ^ 0x6d0d) >>> 0);
    this.findings.clear();
    this.detectorCreatedAt = startMs - 400 * DAY_MS;
    this.seedHistory(startMs);
  }

  onMinute(world: World, minute: number): void {
    this.world = world;
    if (this.rng.chance(NEW_PER_MINUTE)) this.raise(this.pickTemplate(), minute, this.liveTarget());
    if (this.rng.chance(REPEAT_PER_MINUTE)) this.repeat(minute);
    if (minute % DAY_MS === 0) {
      for (const [id, f] of this.findings) if (Date.parse(f.updatedAt) < minute - RETENTION_MS) this.findings.delete(id);
    }
  }

  archive(ids: readonly string[], archived: boolean): void {
    for (const id of ids) {
      const finding = this.findings.get(id);
      if (finding) finding.service.archived = archived;
    }
  }

  /** 18–26 findings over the past 30 days, mostly LOW and MEDIUM, older ones often archived. */
  private seedHistory(now: number): void {
    const count = this.rng.int(18, 26);
    const ages = Array.from({ length: count }, (_, i) =>
      // The two newest sit after every current task started, so they point at live tasks.
      i < 2 ? this.rng.int(10, 110) * MINUTE_MS : this.rng.int(3 * 60, 30 * 24 * 60) * MINUTE_MS,
    ).sort((a, b) => b - a);
    for (const [i, age] of ages.entries()) {
      const at = now - age;
      const recent = age < 2 * 3600_000;
      let template = this.pickTemplate(recent ? (t) => t.target === 'task' : undefined);
      // A guide user runs §6.4 on day one; make sure it has something HIGH to show.
      if (i === count - 1 && ![...this.findings.values()].some((f) => f.severity >= 7)) template = TEMPLATES.find((t) => t.type === 'CryptoCurrency:Runtime/BitcoinTool.B!DNS')!;
      const target = recent ? this.liveTarget(PRODUCTION_CLUSTER) : this.pastTarget(at);
      if (!target) continue;
      const finding = this.raise(template, at, target);
      if (this.rng.chance(0.4)) {
        const lastSeen = at + this.rng.int(1, Math.min(48 * 60, age / MINUTE_MS - 1)) * MINUTE_MS;
        finding.service.count += this.rng.int(1, 6);
        finding.updatedAt = finding.service.eventLastSeen = new Date(lastSeen).toISOString();
      }
      const oldEnough = age > 7 * DAY_MS;
      if (oldEnough && this.rng.chance(finding.severity >= 7 ? 0.3 : 0.45)) finding.service.archived = true;
    }
  }

  private pickTemplate(filter: (t: Template) => boolean = () => true): Template {
    const templates = TEMPLATES.filter(filter);
    const total = templates.reduce((n, t) => n + t.weight, 0);
    let roll = this.rng.next() * total;
    for (const template of templates) {
      roll -= template.weight;
      if (roll < 0) return template;
    }
    return templates[0]!;
  }

  private targetOf(cluster: ClusterRecord, service: ServiceRecord, task: Pick<TaskRecord, 'id' | 'arn' | 'taskDefinition' | 'privateIp'> & { startedAt: number }): TaskTarget {
    const td = this.world.taskDefinitionByRef(task.taskDefinition);
    const container = td?.containerDefinitions[0] ?? { name: service.name, image: `${service.name}:latest` };
    return { cluster, service, taskId: task.id, taskArn: task.arn, taskDefinitionArn: task.taskDefinition, startedAt: task.startedAt, privateIp: task.privateIp, container: { name: container.name, image: container.image } };
  }

  /** A running task, production three times as likely as staging. */
  private liveTarget(clusterName?: string): TaskTarget | null {
    const weighted: { cluster: ClusterRecord; task: TaskRecord }[] = [];
    for (const cluster of this.world.clusters.values()) {
      if (clusterName && cluster.name !== clusterName) continue;
      for (const task of cluster.tasks.values()) {
        if (task.lastStatus !== 'RUNNING' || task.startedAt === undefined) continue;
        for (let i = 0; i < (cluster.name === PRODUCTION_CLUSTER ? 3 : 1); i++) weighted.push({ cluster, task });
      }
    }
    if (weighted.length === 0) return null;
    const { cluster, task } = this.rng.pick(weighted);
    const service = cluster.services.get(task.service)!;
    return this.targetOf(cluster, service, { ...task, startedAt: task.startedAt! });
  }

  /** A task that ran at `at`: its ids are gone from ECS, its service and task definition are not. */
  private pastTarget(at: number): TaskTarget | null {
    const clusters = [...this.world.clusters.values()];
    const cluster = this.rng.chance(0.7) ? (this.world.clusters.get(PRODUCTION_CLUSTER) ?? clusters[0]) : this.rng.pick(clusters);
    const services = cluster ? [...cluster.services.values()] : [];
    if (!cluster || services.length === 0) return null;
    const service = this.rng.pick(services);
    const family = this.world.taskDefinitionByRef(service.deployments[0]!.taskDefinition)!.family;
    const revisions = this.world.taskDefinitions.get(family) ?? [];
    const td = [...revisions].reverse().find((r) => r.registeredAt <= at) ?? revisions[0]!;
    const taskId = this.rng.hex(32);
    return this.targetOf(cluster, service, {
      id: taskId,
      arn: this.world.arn('ecs', `task/${cluster.name}/${taskId}`),
      taskDefinition: td.arn,
      privateIp: `10.0.${this.rng.int(0, 3)}.${this.rng.int(2, 250)}`,
      startedAt: at - this.rng.int(10, 72 * 60) * MINUTE_MS,
    });
  }

  private repeat(now: number): void {
    const open = [...this.findings.values()].filter((f) => !f.service.archived && Date.parse(f.updatedAt) > now - 3 * DAY_MS);
    if (open.length === 0) return;
    const finding = this.rng.pick(open);
    finding.service.count++;
    finding.updatedAt = finding.service.eventLastSeen = new Date(now).toISOString();
  }

  private raise(template: Template, at: number, target: TaskTarget | null): FindingRecord {
    target ??= this.pastTarget(at);
    const rng = this.rng;
    const id = rng.hex(32);
    const iso = new Date(at).toISOString();
    const facts: Facts = {
      remoteIp: template.network && !template.network.external ? `10.0.${rng.int(0, 3)}.${rng.int(2, 250)}` : `${rng.pick([45, 89, 103, 185, 194])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`,
      country: rng.pick(COUNTRIES),
      org: rng.pick(ORGS),
      domain: template.dns ? rng.pick(template.dns) : '',
    };
    const t = target!;
    const severity = Math.round((template.severity + rng.int(0, 9) / 10) * 10) / 10;
    const finding: FindingRecord = {
      accountId: this.world.accountId,
      arn: this.world.arn('guardduty', `detector/${DETECTOR_ID}/finding/${id}`),
      createdAt: iso,
      id,
      partition: 'aws',
      region: this.world.region,
      resource: template.target === 'task' ? this.taskResource(t) : this.accessKeyResource(template, t),
      schemaVersion: '2.0',
      severity,
      confidence: rng.int(60, 99) / 10,
      type: template.type,
      title: template.title(t),
      description: template.description(t, facts),
      updatedAt: iso,
      service: {
        serviceName: 'guardduty',
        detectorId: DETECTOR_ID,
        archived: false,
        count: 1,
        eventFirstSeen: iso,
        eventLastSeen: iso,
        featureName: template.featureName,
        resourceRole: 'TARGET',
        additionalInfo: { value: '{}', type: 'default' },
        ...this.actionOf(template, t, facts),
        ...(template.process ? { runtimeDetails: { process: this.processOf(template.process, at) } } : {}),
      },
    };
    this.findings.set(id, finding);
    return finding;
  }

  private taskResource(t: TaskTarget) {
    const containerId = `${t.taskId}-${this.rng.digits(10)}`;
    const revision = t.taskDefinitionArn.slice(t.taskDefinitionArn.lastIndexOf(':') + 1);
    const image = t.container.image;
    const container = { containerRuntime: 'containerd', id: containerId, name: t.container.name, image, imagePrefix: image.split(':')[0] };
    return {
      resourceType: 'ECSCluster' as const,
      ecsClusterDetails: {
        name: t.cluster.name,
        arn: t.cluster.arn,
        status: 'ACTIVE',
        activeServicesCount: t.cluster.services.size,
        runningTasksCount: [...t.cluster.tasks.values()].filter((task) => task.lastStatus === 'RUNNING').length,
        taskDetails: {
          arn: t.taskArn,
          definitionArn: t.taskDefinitionArn,
          version: revision,
          createdAt: Math.floor(t.startedAt / 1000) - 30,
          startedAt: Math.floor(t.startedAt / 1000),
          startedBy: t.service.deployments[0]?.id ?? 'ecs-svc',
          group: `service:${t.service.name}`,
          launchType: 'FARGATE',
          containers: [container],
        },
      },
      containerDetails: container,
    };
  }

  private accessKeyResource(template: Template, t: TaskTarget) {
    const accessKeyId = `ASIA${this.rng.hex(16).toUpperCase()}`;
    const details =
      template.target === 'root'
        ? { accessKeyId, principalId: this.world.accountId, userName: 'Root', userType: 'Root' }
        : template.target === 'user'
          ? { accessKeyId: `AKIA${this.rng.hex(16).toUpperCase()}`, principalId: `AIDA${this.rng.hex(17).toUpperCase()}`, userName: 'deployment-user', userType: 'IAMUser' }
          : // Task role sessions are named after the task id, which ties the key to the task.
            { accessKeyId, principalId: `AROA${this.rng.hex(17).toUpperCase()}:${t.taskId}`, userName: `${t.service.name}-task`, userType: 'AssumedRole' };
    const bucket = template.type.startsWith('Discovery:S3') ? { s3BucketDetails: [{ arn: `arn:aws:s3:::codeflow-${t.service.name}-data`, name: `codeflow-${t.service.name}-data`, type: 'Destination' }] } : {};
    return { resourceType: 'AccessKey' as const, accessKeyDetails: details, ...bucket };
  }

  private actionOf(template: Template, t: TaskTarget, f: Facts): Record<string, unknown> {
    const remoteIpDetails = { ipAddressV4: f.remoteIp, country: f.country, organization: { asn: String(this.rng.int(10_000, 64_000)), asnOrg: f.org, isp: f.org, org: f.org } };
    if (template.dns) return { action: { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: f.domain, protocol: 'UDP', blocked: false } } };
    if (template.network) {
      return {
        action: {
          actionType: 'NETWORK_CONNECTION',
          networkConnectionAction: {
            blocked: false,
            connectionDirection: 'OUTBOUND',
            protocol: 'TCP',
            localIpDetails: { ipAddressV4: t.privateIp },
            localPortDetails: { port: this.rng.int(32768, 60999), portName: 'Unknown' },
            remoteIpDetails: template.network.external ? remoteIpDetails : { ipAddressV4: f.remoteIp },
            remotePortDetails: { port: template.network.port, portName: template.network.portName },
          },
        },
      };
    }
    if (template.api) {
      return { action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api: template.api.name, serviceName: template.api.service, callerType: 'Remote IP', userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5', remoteIpDetails } } };
    }
    return {};
  }

  private processOf(process: { name: string; path: string }, at: number) {
    const pid = this.rng.int(200, 32_000);
    return {
      name: process.name,
      executablePath: process.path,
      executableSha256: this.rng.hex(64),
      namespacePid: this.rng.int(1, 400),
      pwd: '/app',
      pid,
      startTime: Math.floor(at / 1000) - this.rng.int(1, 120),
      uuid: `${this.rng.hex(8)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(12)}`,
      user: 'root',
      userId: 0,
      euid: 0,
      lineage: [],
    };
  }
}

/**
 * Fixtures for emulators that start empty (moto). lib/aws has no create calls, so these use the
 * SDK directly; they live under lib/aws because nothing else may import the SDK.
 */
import { CreateBackupVaultCommand } from '@aws-sdk/client-backup';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { mapLimit } from '../batch';
import { createAwsClients, type AwsClients } from '../client';
import { callEcr } from '../ecr';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function testClients(endpoint: string, overrides: { callDeadlineMs?: number } = {}): AwsClients {
  return createAwsClients({
    region: 'us-east-1',
    endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 2,
    connectionTimeoutMs: 2000,
    requestTimeoutMs: 10_000,
    callDeadlineMs: overrides.callDeadlineMs ?? 15_000,
  });
}

/** A value the tests look for to prove environment values never leave lib/aws. */
export const SECRET_ENV_VALUE = 'contract-secret-value-8c1f';

export async function createCluster(aws: AwsClients, name: string): Promise<string> {
  const out = await aws.ecs.send(new CreateClusterCommand({ clusterName: name }));
  return out.cluster?.clusterArn ?? '';
}

export async function registerAppTaskDefinition(aws: AwsClients, family: string, image = 'nginx:1.27'): Promise<string> {
  const out = await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'app',
          image,
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, protocol: 'tcp' }],
          environment: [{ name: 'DATABASE_URL', value: SECRET_ENV_VALUE }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/codeflow' } },
        },
      ],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

export async function createServices(
  aws: AwsClients,
  cluster: string,
  names: readonly string[],
  taskDefinition: string,
  opts: { desiredCount?: number; targetGroupArn?: string } = {},
): Promise<void> {
  await mapLimit(names, 8, (serviceName) =>
    aws.ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName,
        taskDefinition,
        desiredCount: opts.desiredCount ?? 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        loadBalancers: opts.targetGroupArn ? [{ targetGroupArn: opts.targetGroupArn, containerName: 'app', containerPort: 80 }] : undefined,
      }),
    ),
  );
}

/** RunTask allows 10 per call; moto starts FARGATE tasks without container instances. */
export async function runTasks(aws: AwsClients, cluster: string, taskDefinition: string, count: number, startedBy: string): Promise<void> {
  const batches = Array.from({ length: Math.ceil(count / 10) }, (_, i) => Math.min(10, count - i * 10));
  for (const n of batches) {
    await aws.ecs.send(new RunTaskCommand({ cluster, taskDefinition, count: n, launchType: 'FARGATE', startedBy }));
  }
}

export interface BlueGreen {
  loadBalancerArn: string;
  listenerArn: string;
  blueArn: string;
  greenArn: string;
}

/** An ALB with one listener sending 100 % to blue and 0 % to green, as in the deployment guide. */
export async function createBlueGreen(aws: AwsClients, endpoint: string, prefix: string): Promise<BlueGreen> {
  const { subnets, vpcId } = await defaultSubnets(endpoint);
  const lb = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: `${prefix}-alb`, Subnets: subnets.slice(0, 2), Type: 'application' }));
  const loadBalancerArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const tg = async (color: string) => {
    const out = await aws.elbv2.send(
      new CreateTargetGroupCommand({ Name: `${prefix}-${color}`, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip', HealthCheckPath: '/health' }),
    );
    return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
  };
  const blueArn = await tg('blue');
  const greenArn = await tg('green');
  const listener = await aws.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blueArn, Weight: 100 }, { TargetGroupArn: greenArn, Weight: 0 }] } },
      ],
    }),
  );
  await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: blueArn, Targets: [{ Id: '10.0.1.10', Port: 80 }, { Id: '10.0.1.11', Port: 80 }] }));
  return { loadBalancerArn, listenerArn: listener.Listeners?.[0]?.ListenerArn ?? '', blueArn, greenArn };
}

/**
 * A load balancer needs subnets, and the EC2 client is not a dependency: ask moto's default VPC
 * with one raw Query call. moto routes by the credential scope and does not check signatures.
 */
async function defaultSubnets(endpoint: string): Promise<{ subnets: string[]; vpcId: string }> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: 'Action=DescribeSubnets&Version=2016-11-15',
  });
  const xml = await res.text();
  const subnets = [...xml.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1] as string);
  const vpcId = /<vpcId>([^<]+)<\/vpcId>/.exec(xml)?.[1];
  if (!res.ok || subnets.length < 2 || !vpcId) throw new Error(`moto has no default subnets (HTTP ${res.status})`);
  return { subnets, vpcId };
}

export async function stopTask(aws: AwsClients, cluster: string, task: string): Promise<void> {
  await aws.ecs.send(new StopTaskCommand({ cluster, task, reason: 'stopped by test' }));
}

/** Counts SDK calls by command name, so tests can assert how many AWS calls a read model makes. */
export function countCalls(aws: AwsClients): Map<string, number> {
  const counts = new Map<string, number>();
  const counter: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const name = context.commandName ?? 'unknown';
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return next(args);
  };
  aws.ecs.middlewareStack.add(counter, { step: 'initialize' });
  aws.elbv2.middlewareStack.add(counter, { step: 'initialize' });
  return counts;
}

/** An empty backup vault, for emulators that start with none (moto). */
export async function createBackupVault(aws: AwsClients, name: string): Promise<void> {
  await aws.backup.send(new CreateBackupVaultCommand({ BackupVaultName: name }));
}

/** An ECR repository with one image under `tag` (emulators that start empty); returns the image's digest. */
export async function pushEcrImage(aws: AwsClients, repository: string, tag: string): Promise<string> {
  await callEcr(aws.ecr, 'CreateRepository', { repositoryName: repository }, { deadlineMs: aws.deadlineMs }).catch((e: unknown) => {
    if (!/AlreadyExists/.test((e as { cause?: { name?: string } }).cause?.name ?? '')) throw e;
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1470, digest: `sha256:${'c'.repeat(64)}` },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 2_811_478, digest: `sha256:${tag.padEnd(64, 'a').replace(/[^a-f0-9]/g, 'b').slice(0, 64)}` }],
  });
  const out = await callEcr<{ image?: { imageId?: { imageDigest?: string } } }>(aws.ecr, 'PutImage', { repositoryName: repository, imageTag: tag, imageManifest: manifest }, { deadlineMs: aws.deadlineMs });
  return out.image?.imageId?.imageDigest ?? '';
}

import { z } from 'zod';
import type { ImagePolicy } from './image-ref';
import { DEFAULT_HARD_MAX_DESIRED_COUNT, operationKindSchema, type OperationKind } from './contract';

/**
 * The `policy` section of codeflow.config.json (and its env overrides): which environment a
 * cluster belongs to, and per environment which operations need a second operator's approval,
 * the scale bounds, the verification deadline, the bake time and what a tripped rollback trigger does.
 */

export const TRIGGER_ACTIONS = ['notify', 'propose', 'rollback'] as const;
export type TriggerAction = (typeof TRIGGER_ACTIONS)[number];

export interface EnvironmentPolicy {
  /** Kinds that always need a second operator's approval. */
  approvalFor: OperationKind[];
  /** Scaling to zero tasks needs approval. */
  approveScaleToZero: boolean;
  /** Scaling above this factor of the current count needs approval (0 = never). */
  approveScaleAboveFactor: number;
  /** How long a pending approval stays valid. */
  approvalTimeoutSeconds: number;
  scale: { min: number; max: number };
  /** How long the triggers are watched after the rollout is stable (AWS time). */
  bakeSeconds: number;
  /** How long the rollout may take to become stable (AWS time), like `aws ecs wait services-stable`. */
  verifyDeadlineSeconds: number;
  onTrigger: TriggerAction;
  /** The guide's rollback triggers (§5.1). */
  thresholds: { errorRatePercent: number; p95LatencyMs: number };
  /** Where deployed images may come from, and which tags are refused as mutable. */
  images: ImagePolicy;
}

export interface PolicyConfig {
  /** Cluster name → environment name: the guide's defaults, then what the file and env say. */
  clusters: Record<string, string>;
  /** The mappings the file and env gave (they win over an account's environment; the defaults do not). */
  configuredClusters?: Record<string, string>;
  /** For clusters not listed. */
  defaultEnvironment: string;
  /** No desired count above this, whatever an environment says. */
  hardMaxDesiredCount: number;
  environments: Record<string, EnvironmentPolicy>;
  /** A lock not heartbeated for this long is free again (its holder crashed). */
  lockTtlSeconds: number;
  /** How often the background runner steps the verifications. */
  verifyIntervalSeconds: number;
}

const seconds = (max: number) => z.number().int().min(0).max(max);

const environmentFileSchema = z
  .object({
    approvalFor: z.array(operationKindSchema).optional(),
    approveScaleToZero: z.boolean().optional(),
    approveScaleAboveFactor: z.number().min(0).max(1000).optional(),
    approvalTimeoutSeconds: seconds(7 * 86400).min(10).optional(),
    scale: z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }).strict().optional(),
    bakeSeconds: seconds(86400).optional(),
    verifyDeadlineSeconds: seconds(86400).min(10).optional(),
    onTrigger: z.enum(TRIGGER_ACTIONS).optional(),
    thresholds: z.object({ errorRatePercent: z.number().min(0).max(100).optional(), p95LatencyMs: z.number().min(1).optional() }).strict().optional(),
    images: z
      .object({
        allowedRegistries: z.array(z.string().min(1).max(255)).optional(),
        mutableTags: z.array(z.string().min(1).max(128)).optional(),
        requireDigest: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const policyFileSchema = z
  .object({
    clusters: z.record(z.string().min(1), z.string().min(1)).optional(),
    defaultEnvironment: z.string().min(1).optional(),
    hardMaxDesiredCount: z.number().int().min(1).max(5000).optional(),
    environments: z.record(z.string().min(1), environmentFileSchema).optional(),
    lockTtlSeconds: seconds(3600).min(5).optional(),
    verifyIntervalSeconds: seconds(600).min(1).optional(),
  })
  .strict();

export type PolicyFile = z.infer<typeof policyFileSchema>;

const PRODUCTION: EnvironmentPolicy = {
  approvalFor: ['deploy'],
  approveScaleToZero: true,
  approveScaleAboveFactor: 2,
  approvalTimeoutSeconds: 30 * 60,
  scale: { min: 0, max: 50 },
  bakeSeconds: 300,
  verifyDeadlineSeconds: 600,
  onTrigger: 'propose',
  thresholds: { errorRatePercent: 5, p95LatencyMs: 500 },
  images: { allowedRegistries: ['account-ecr'], mutableTags: ['latest'], requireDigest: true },
};

const STAGING: EnvironmentPolicy = {
  ...PRODUCTION,
  approvalFor: [],
  approveScaleToZero: false,
  approveScaleAboveFactor: 0,
  bakeSeconds: 120,
  onTrigger: 'rollback',
  images: { allowedRegistries: ['account-ecr'], mutableTags: [], requireDigest: false },
};

export const DEFAULT_POLICY: PolicyConfig = {
  clusters: { 'codeflow-cluster': 'production', 'codeflow-staging': 'staging' },
  defaultEnvironment: 'production',
  hardMaxDesiredCount: DEFAULT_HARD_MAX_DESIRED_COUNT,
  environments: { production: PRODUCTION, staging: STAGING },
  lockTtlSeconds: 120,
  verifyIntervalSeconds: 5,
};

type Env = Record<string, string | undefined>;

/**
 * File values over the defaults, then env over both: CODEFLOW_POLICY_BAKE_SECONDS,
 * CODEFLOW_POLICY_VERIFY_DEADLINE_SECONDS, CODEFLOW_POLICY_APPROVAL_TIMEOUT_SECONDS and
 * CODEFLOW_POLICY_ON_TRIGGER apply to every environment; CODEFLOW_POLICY_CLUSTERS maps clusters
 * ("codeflow-cluster=production,codeflow-staging=staging").
 */
export function parsePolicyConfig(env: Env, file: PolicyFile = {}): PolicyConfig {
  const environments: Record<string, EnvironmentPolicy> = {};
  const names = new Set([...Object.keys(DEFAULT_POLICY.environments), ...Object.keys(file.environments ?? {})]);
  for (const name of names) {
    const base = DEFAULT_POLICY.environments[name] ?? PRODUCTION;
    const over = file.environments?.[name] ?? {};
    environments[name] = {
      ...base,
      ...over,
      scale: over.scale ?? base.scale,
      thresholds: { ...base.thresholds, ...over.thresholds },
      approvalFor: over.approvalFor ?? base.approvalFor,
      images: { ...base.images, ...over.images },
    } as EnvironmentPolicy;
  }
  const bake = intEnv(env, 'CODEFLOW_POLICY_BAKE_SECONDS', 0, 86400);
  const deadline = intEnv(env, 'CODEFLOW_POLICY_VERIFY_DEADLINE_SECONDS', 10, 86400);
  const approval = intEnv(env, 'CODEFLOW_POLICY_APPROVAL_TIMEOUT_SECONDS', 10, 7 * 86400);
  const onTrigger = env.CODEFLOW_POLICY_ON_TRIGGER?.trim();
  if (onTrigger && !(TRIGGER_ACTIONS as readonly string[]).includes(onTrigger)) {
    throw new Error(`CODEFLOW_POLICY_ON_TRIGGER must be one of ${TRIGGER_ACTIONS.join(', ')}, got "${onTrigger}"`);
  }
  for (const p of Object.values(environments)) {
    if (bake !== undefined) p.bakeSeconds = bake;
    if (deadline !== undefined) p.verifyDeadlineSeconds = deadline;
    if (approval !== undefined) p.approvalTimeoutSeconds = approval;
    if (onTrigger) p.onTrigger = onTrigger as TriggerAction;
  }
  const configuredClusters = { ...file.clusters, ...parseClusterMap(env.CODEFLOW_POLICY_CLUSTERS) };
  const clusters = { ...DEFAULT_POLICY.clusters, ...configuredClusters };
  const defaultEnvironment = file.defaultEnvironment ?? DEFAULT_POLICY.defaultEnvironment;
  for (const [cluster, name] of [...Object.entries(clusters), ['(default)', defaultEnvironment] as const]) {
    if (!environments[name]) throw new Error(`policy: cluster ${cluster} maps to environment "${name}", which has no policy (known: ${[...names].join(', ')})`);
  }
  for (const [name, p] of Object.entries(environments)) {
    if (p.scale.min > p.scale.max) throw new Error(`policy.environments.${name}.scale: min (${p.scale.min}) is above max (${p.scale.max})`);
  }
  return {
    clusters,
    configuredClusters,
    defaultEnvironment,
    hardMaxDesiredCount: intEnv(env, 'CODEFLOW_POLICY_HARD_MAX_DESIRED_COUNT', 1, 5000) ?? file.hardMaxDesiredCount ?? DEFAULT_POLICY.hardMaxDesiredCount,
    environments,
    lockTtlSeconds: intEnv(env, 'CODEFLOW_POLICY_LOCK_TTL_SECONDS', 5, 3600) ?? file.lockTtlSeconds ?? DEFAULT_POLICY.lockTtlSeconds,
    verifyIntervalSeconds: intEnv(env, 'CODEFLOW_POLICY_VERIFY_INTERVAL_SECONDS', 1, 600) ?? file.verifyIntervalSeconds ?? DEFAULT_POLICY.verifyIntervalSeconds,
  };
}

/**
 * Cluster name or ARN (and the environment of its account, when the account names one) → its
 * environment and that environment's policy. A mapping the configuration gives the cluster wins;
 * then the account's environment (a staging account's codeflow-cluster is staging); then the
 * guide's default names; then the default environment. An environment without a policy of its
 * own gets production's, the strictest.
 */
export function policyFor(policy: PolicyConfig, cluster: string, accountEnvironment?: string): { environment: string; policy: EnvironmentPolicy } {
  const name = cluster.includes('/') ? cluster.slice(cluster.lastIndexOf('/') + 1) : cluster;
  const environment = policy.configuredClusters?.[name] ?? accountEnvironment ?? policy.clusters[name] ?? policy.defaultEnvironment;
  return { environment, policy: policy.environments[environment] ?? PRODUCTION };
}

function parseClusterMap(raw: string | undefined): Record<string, string> {
  if (!raw?.trim()) return {};
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const [cluster, environment] = pair.split('=').map((s) => s.trim());
    if (!cluster || !environment) throw new Error(`CODEFLOW_POLICY_CLUSTERS must look like "cluster=environment,cluster=environment"; "${pair}" is not`);
    out[cluster] = environment;
  }
  return out;
}

function intEnv(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  return n;
}

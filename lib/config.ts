import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export interface Config {
  region: string;
  /** Explicit endpoint (the sandbox, moto, LocalStack); undefined means real AWS. */
  endpoint: string | undefined;
  /** Clusters to show; empty means discover them with ListClusters. */
  clusters: string[];
  sandbox: boolean;
  aws: {
    maxAttempts: number;
    connectionTimeoutMs: number;
    requestTimeoutMs: number;
    /** Upper bound for one SDK call including its retries. */
    callDeadlineMs: number;
  };
  fleet: { cacheTtlMs: number };
}

export type Env = Record<string, string | undefined>;

const fileSchema = z
  .object({
    region: z.string().min(1).optional(),
    clusters: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

const CONFIG_FILE = 'codeflow.config.json';

/** Pure: env (and the optional parsed config file) in, validated config out. Env wins over the file. */
export function parseConfig(env: Env, file: ConfigFile = {}): Config {
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? file.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new Error(`AWS_REGION must be an AWS region name such as us-east-1, got "${region}"`);
  }

  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    throw new Error(`AWS_ENDPOINT_URL must be an http(s) URL such as http://127.0.0.1:4566, got "${endpoint}"`);
  }

  const clustersEnv = nonEmpty(env.CODEFLOW_CLUSTERS);
  const clusters =
    clustersEnv !== undefined
      ? clustersEnv.split(',').map((s) => s.trim()).filter(Boolean)
      : (file.clusters ?? []);

  return {
    region,
    endpoint,
    clusters,
    sandbox: env.CODEFLOW_SANDBOX === '1',
    aws: {
      maxAttempts: intVar(env, 'CODEFLOW_AWS_MAX_ATTEMPTS', 3, 1, 10),
      connectionTimeoutMs: intVar(env, 'CODEFLOW_AWS_CONNECTION_TIMEOUT_MS', 2000, 1, 60_000),
      requestTimeoutMs: intVar(env, 'CODEFLOW_AWS_REQUEST_TIMEOUT_MS', 5000, 1, 120_000),
      callDeadlineMs: intVar(env, 'CODEFLOW_AWS_CALL_DEADLINE_MS', 8000, 1, 300_000),
    },
    fleet: { cacheTtlMs: intVar(env, 'CODEFLOW_FLEET_TTL_MS', 5000, 0, 3_600_000) },
  };
}

/** Reads `codeflow.config.json` from `dir` when it exists; a malformed file is an error, not ignored. */
export function readConfigFile(dir: string = process.cwd()): ConfigFile {
  const path = join(dir, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}; expected { "region"?: string, "clusters"?: string[] }`);
  }
  return parsed.data;
}

let memo: Config | undefined;

/** The process-wide config, validated on first use. */
export function getConfig(): Config {
  memo ??= parseConfig(process.env, readConfigFile());
  return memo;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError, EXIT } from './exit-codes';

/**
 * Where `codeflow login` keeps API tokens: one file, readable by its owner only (0600, in a 0700
 * directory), keyed by server URL. `CODEFLOW_TOKEN` (with `CODEFLOW_URL`) bypasses it for scripts.
 */
const fileSchema = z.object({
  current: z.string().nullable().default(null),
  servers: z
    .record(
      z.string(),
      z.object({ token: z.string(), name: z.string().nullable(), role: z.string(), savedAt: z.string() }),
    )
    .default({}),
});

type Env = Record<string, string | undefined>;

export type CredentialsFile = z.infer<typeof fileSchema>;
export interface ServerCredentials {
  url: string;
  token: string;
}

export function credentialsPath(env: Env = process.env): string {
  if (env.CODEFLOW_CREDENTIALS) return env.CODEFLOW_CREDENTIALS;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'codeflow', 'credentials.json');
}

export function readCredentials(path = credentialsPath()): CredentialsFile {
  if (!existsSync(path)) return { current: null, servers: {} };
  try {
    return fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    throw new CliError(`${path} is not a credentials file Codeflow wrote; delete it and run \`codeflow login <url>\` again`);
  }
}

export function saveServer(url: string, entry: { token: string; name: string | null; role: string }, path = credentialsPath()): void {
  const file = readCredentials(path);
  file.servers[url] = { ...entry, savedAt: new Date().toISOString() };
  file.current = url;
  writePrivate(path, file);
}

export function forgetServer(url: string, path = credentialsPath()): boolean {
  const file = readCredentials(path);
  if (!file.servers[url]) return false;
  delete file.servers[url];
  if (file.current === url) file.current = Object.keys(file.servers)[0] ?? null;
  writePrivate(path, file);
  return true;
}

/** The server and token to use: `--url`, then CODEFLOW_URL, then the last login; CODEFLOW_TOKEN wins over the file. */
export function resolveServer(opts: { url?: string }, env: Env = process.env, path = credentialsPath(env)): ServerCredentials {
  const wanted = opts.url ?? env.CODEFLOW_URL;
  const url = wanted ? normalizeServerUrl(wanted) : undefined;
  if (env.CODEFLOW_TOKEN) {
    if (!url) throw new CliError('CODEFLOW_TOKEN is set but no server: set CODEFLOW_URL or pass --url', EXIT.usage);
    return { url, token: env.CODEFLOW_TOKEN };
  }
  const file = readCredentials(path);
  const chosen = url ?? file.current;
  if (!chosen) throw new CliError('not signed in: run `codeflow login <url>` (or set CODEFLOW_URL and CODEFLOW_TOKEN)', EXIT.usage);
  const entry = file.servers[chosen];
  if (!entry) throw new CliError(`not signed in to ${chosen}: run \`codeflow login ${chosen}\``, EXIT.usage);
  return { url: chosen, token: entry.token };
}

/** "codeflow.example.com/" → "https://codeflow.example.com"; plain http only for loopback. */
export function normalizeServerUrl(raw: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`"${raw}" is not a server URL (e.g. https://codeflow.example.com)`, EXIT.usage);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliError(`"${raw}": use an http(s) URL`, EXIT.usage);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new CliError(`refusing to send a token over plain http to ${url.host}; use https (plain http is for localhost only)`, EXIT.usage);
  }
  return url.origin;
}

function writePrivate(path: string, file: CredentialsFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // mode applies only when the file is created; a leftover tmp file keeps its old mode.
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

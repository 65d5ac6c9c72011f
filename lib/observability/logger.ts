import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentRequest } from './context';
import { logCorrelationFields } from './hooks';

/*
 * The server's log: one JSON object per line on stdout in production (CloudWatch Logs, Loki and
 * friends parse it as is), a short readable line in development. Every line written while an
 * API request is being served carries its requestId (and the user, once known). Secrets never
 * reach the log: values under secret-looking keys are replaced, and the finished line is scrubbed
 * of URL passwords, bearer tokens, Codeflow API tokens and the values of the secret variables.
 */

export type { Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

export const REDACTED = '[REDACTED]';

/** Keys whose values are never logged, wherever they sit in a logged object. */
const SECRET_KEY = /authorization|cookie|passw|secret|token|api[-_]?key|credential|private[-_]?key|signature/i;

/** Environment variables whose values are secrets: scrubbed from every line should one slip into a message. */
const SECRET_VARIABLES = ['NEXTAUTH_SECRET', 'OIDC_CLIENT_SECRET', 'CODEFLOW_METRICS_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'CODEFLOW_TOKEN'];
/** Variables holding URLs with a password in them: the password is the secret. */
const URL_VARIABLES = ['DATABASE_URL', 'REDIS_URL'];

export interface LoggerSetup {
  level?: string;
  /** 'json' (production default) or 'pretty' (development default). */
  format?: 'json' | 'pretty';
  destination?: DestinationStream;
  env?: Record<string, string | undefined>;
}

export function levelFrom(value: string | undefined): LogLevel {
  const v = value?.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(v ?? '') ? (v as LogLevel) : 'info';
}

export function formatFrom(env: Record<string, string | undefined>): 'json' | 'pretty' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return env.NODE_ENV === 'production' ? 'json' : 'pretty';
}

/** The literal secret values to scrub: the secret variables' values and the passwords inside the URL variables. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const values = SECRET_VARIABLES.map((name) => env[name]);
  for (const name of URL_VARIABLES) {
    try {
      const password = env[name] ? new URL(env[name]!).password : '';
      values.push(password ? decodeURIComponent(password) : undefined, password || undefined);
    } catch {
      // Not a URL: the startup check reports it; nothing to extract.
    }
  }
  // Short values would blank out ordinary words; real secrets are long.
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 8))].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces secrets inside a string: URL passwords, bearer/basic credentials, Codeflow tokens, known secret values. */
export function scrubString(s: string, secrets: readonly string[] = []): string {
  let out = s
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"]*):[^\s@/"]+@/gi, `$1:${REDACTED}@`)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`)
    .replace(/\bcf_[A-Za-z0-9_-]{16,}/g, `cf_${REDACTED}`);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
    // The same value as it appears inside a JSON string.
    const quoted = JSON.stringify(secret).slice(1, -1);
    if (quoted !== secret && out.includes(quoted)) out = out.replace(new RegExp(escapeRegExp(quoted), 'g'), REDACTED);
  }
  return out;
}

/** Deep copy of a logged value with secret-looking keys blanked and errors turned into plain objects (with stack). */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (value instanceof Error) return redactValue(pino.stdSerializers.err(value), depth + 1, seen);
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Headers || value instanceof Map) {
    return redactValue(Object.fromEntries(value.entries()), depth + 1, seen);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, depth + 1, seen);
  return out;
}

function prettyDestination(write: (s: string) => void): DestinationStream {
  const colours: Record<string, string> = { fatal: '\x1b[35m', error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[36m', debug: '\x1b[90m', trace: '\x1b[90m' };
  const colour = process.stdout.isTTY && !process.env.NO_COLOR;
  return {
    write(line: string) {
      try {
        const { time, level, msg, err, pid: _pid, hostname: _host, service: _service, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const clock = typeof time === 'string' ? time.slice(11, 23) : '';
        const lvl = String(level).toUpperCase().padEnd(5);
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const stack = err && typeof err === 'object' && 'stack' in err ? `\n${String((err as { stack: unknown }).stack)}` : '';
        write(`${clock} ${colour ? `${colours[String(level)] ?? ''}${lvl}\x1b[0m` : lvl} ${msg ?? ''}${fields ? `  ${fields}` : ''}${stack}\n`);
      } catch {
        write(line);
      }
    },
  };
}

export function createLogger(setup: LoggerSetup = {}): Logger {
  const env = setup.env ?? process.env;
  const secrets = secretValues(env);
  const options: LoggerOptions = {
    level: levelFrom(setup.level ?? env.LOG_LEVEL),
    base: { service: 'codeflow', pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    // formatters.log has already turned errors into plain objects (type, message, stack, cause).
    serializers: { err: (e: unknown) => e },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redactValue(obj) as Record<string, unknown>,
    },
    // The request's id (and user) on every line written while serving it.
    mixin() {
      const ctx = currentRequest();
      const fields: Record<string, string> = { ...logCorrelationFields() };
      if (ctx) fields.requestId = ctx.requestId;
      if (ctx?.user) fields.user = ctx.user;
      return fields;
    },
    hooks: {
      // The last line of defence: whatever a message or a field holds, the written line is scrubbed.
      streamWrite: (line) => scrubString(line, secrets),
    },
  };
  const format = setup.format ?? formatFrom(env);
  // Synchronous writes: a line logged just before a crash is not lost in a buffer.
  const out = setup.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(options, format === 'pretty' ? prettyDestination((s) => out.write(s)) : out);
}

const KEY = Symbol.for('codeflow.logger');
type Holder = { [KEY]?: Logger };

/** The process's logger (one per process, whichever bundle asks). */
export function getLogger(): Logger {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createLogger());
}

/** Replaces the process's logger (tests capture lines this way); returns the previous one. */
export function setLogger(logger: Logger): Logger | undefined {
  const holder = globalThis as Holder;
  const previous = holder[KEY];
  holder[KEY] = logger;
  return previous;
}

/** A child logger tagged with the part of Codeflow that writes (`component: "incidents"`). */
export function loggerFor(component: string): Logger {
  return getLogger().child({ component });
}

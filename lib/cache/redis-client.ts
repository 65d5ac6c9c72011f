import type { RedisClientType } from '@redis/client';

export type RedisClient = RedisClientType;

/** Redis is down, unreachable, not yet connected or too slow: the cache carries on in-process. */
export class RedisUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailable';
  }
}

export interface RedisLinkOptions {
  /** A command (or a pipeline) slower than this counts as Redis being unavailable. */
  commandTimeoutMs?: number;
  /** How long the first use waits for the connection. */
  connectTimeoutMs?: number;
  /** After a failure, commands are not tried for this long (they fail at once): a slow Redis costs one timeout, not one per request. */
  retryAfterMs?: number;
  log?: Pick<Console, 'warn' | 'info'>;
}

/**
 * One connection to Redis for the process, with bounded waits: every command either answers
 * within `commandTimeoutMs` or throws RedisUnavailable. The client reconnects by itself in the
 * background; the outage and the recovery are each logged once.
 */
export interface RedisLink {
  run<T>(op: (client: RedisClient) => Promise<T>): Promise<T>;
  /** True while commands are being tried (connected, not in a back-off after a failure). */
  readonly available: boolean;
  readonly url: string;
  close(): Promise<void>;
}

/** redis://:secret@host:6379 → redis://host:6379: logs never carry the AUTH token. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the configured REDIS_URL';
  }
}

export function createRedisLink(url: string, opts: RedisLinkOptions = {}): RedisLink {
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 1000;
  const retryAfterMs = opts.retryAfterMs ?? 2000;
  const log = opts.log ?? console;
  const where = redactRedisUrl(url);

  let client: RedisClient | undefined;
  let connecting: Promise<unknown> | undefined;
  let firstConnect = true;
  let downUntil = 0;
  let down = false;
  let closed = false;

  function markDown(reason: string): void {
    downUntil = Date.now() + retryAfterMs;
    if (down) return;
    down = true;
    log.warn(`codeflow: Redis at ${where} is unavailable (${reason}); caching in-process only until it answers again`);
  }

  function markUp(): void {
    if (!down) return;
    down = false;
    log.info(`codeflow: Redis at ${where} answers again; the cache is shared across replicas again`);
  }

  async function open(): Promise<RedisClient> {
    if (client) return client;
    // Loaded on first use, so a process without REDIS_URL never loads the client.
    const { createClient } = await import('@redis/client');
    const c = createClient({
      url,
      // Fail at once while disconnected instead of queueing until Redis returns.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000),
      },
    }) as RedisClient;
    c.on('error', (e: Error) => markDown(e.message || e.name));
    c.on('ready', () => {
      downUntil = 0;
      markUp();
    });
    client = c;
    connecting = c.connect().catch((e: Error) => markDown(e.message));
    return c;
  }

  function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Rejected from setImmediate, after the I/O poll phase: when the event loop was busy (a
      // replica under load), a reply that has already arrived is taken rather than timed out.
      timer = setTimeout(() => setImmediate(() => reject(new RedisUnavailable(`${what} took longer than ${ms} ms`))), ms);
      timer.unref?.();
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  return {
    url,
    get available() {
      return !closed && client?.isReady === true && Date.now() >= downUntil;
    },
    async run(op) {
      if (closed) throw new RedisUnavailable('the Redis link is closed');
      if (Date.now() < downUntil) throw new RedisUnavailable('Redis failed recently');
      const c = await open();
      if (!c.isReady) {
        if (firstConnect) {
          firstConnect = false;
          await withTimeout(connecting!, connectTimeoutMs, 'connecting').catch(() => undefined);
        }
        if (!c.isReady) {
          markDown('not connected');
          throw new RedisUnavailable('Redis is not connected');
        }
      }
      firstConnect = false;
      try {
        const result = await withTimeout(op(c), commandTimeoutMs, 'a Redis command');
        markUp();
        return result;
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        markDown(message);
        throw e instanceof RedisUnavailable ? e : new RedisUnavailable(message);
      }
    },
    async close() {
      closed = true;
      const c = client;
      client = undefined;
      if (!c) return;
      // A graceful close waits for replies, which a stuck Redis never sends: bounded, then cut.
      if (c.isReady) await withTimeout(c.close(), 1000, 'closing').catch(() => c.destroy());
      else c.destroy();
    },
  };
}

// On globalThis because Next may evaluate this module once per route bundle: one connection per process.
const LINKS = Symbol.for('codeflow.redisLinks');
type Holder = { [LINKS]?: Map<string, RedisLink> };

/** The process's link to the Redis at `url`. */
export function sharedRedisLink(url: string): RedisLink {
  const holder = globalThis as Holder;
  const links = (holder[LINKS] ??= new Map());
  let link = links.get(url);
  if (!link) {
    link = createRedisLink(url);
    links.set(url, link);
  }
  return link;
}

import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';

/** TEST_REDIS_URL when set and answering PING; otherwise the reason the Redis tests are skipped. */
export async function testRedis(): Promise<{ url: string; skip: false } | { url: null; skip: string }> {
  const url = process.env.TEST_REDIS_URL?.trim();
  if (!url) return { url: null, skip: 'TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379): the Redis tests were NOT run' };
  const u = new URL(url);
  const answered = await new Promise<string | null>((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const timer = setTimeout(() => (socket.destroy(), resolve(null)), 1500);
    socket.once('error', () => (clearTimeout(timer), resolve(null)));
    socket.once('connect', () => socket.write(u.password ? `AUTH ${decodeURIComponent(u.password)}\r\nPING\r\n` : 'PING\r\n'));
    socket.on('data', (d) => {
      if (!d.toString().includes('PONG')) return;
      clearTimeout(timer);
      socket.destroy();
      resolve('PONG');
    });
  });
  return answered ? { url, skip: false } : { url: null, skip: `Redis at TEST_REDIS_URL (${u.host}) is unreachable: the Redis tests were NOT run` };
}

/** A key prefix no other test run uses. */
export function uniquePrefix(what: string): string {
  return `codeflow-test:${what}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

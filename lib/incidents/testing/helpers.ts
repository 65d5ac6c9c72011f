import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Actor } from '../../audit/types';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import { parseIncidentsConfig, type IncidentsFileSection } from '../config';

export const RESPONDER: Actor = { issuer: 'https://idp.test', subject: 'rita', name: 'Rita Responder', role: 'responder' };
export const VIEWER: Actor = { issuer: 'https://idp.test', subject: 'vic', name: 'Vic Viewer', role: 'viewer' };

export function testConfig(section: IncidentsFileSection = {}, env: Record<string, string | undefined> = {}) {
  return parseIncidentsConfig(section, { NEXTAUTH_URL: 'https://codeflow.test', ...env });
}

export async function addUser(db: Db, subject: string, role: 'viewer' | 'responder' | 'operator' | 'admin', name = subject): Promise<string> {
  const [row] = await db.insert(users).values({ issuer: 'https://idp.test', subject, name, idpRole: role }).returning();
  return row!.id;
}

export interface Received {
  at: number;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A local webhook receiver: `/ok` answers 200, `/fail` 500, `/flaky` fails the first `flakyFailures` requests per key. */
export async function startReceiver(opts: { flakyFailures?: number } = {}): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const flaky = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body });
      let status = 200;
      if (req.url?.startsWith('/fail')) status = 500;
      if (req.url?.startsWith('/bad')) status = 400;
      if (req.url?.startsWith('/flaky')) {
        const key = String(req.headers['idempotency-key']);
        const n = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, n);
        if (n <= (opts.flakyFailures ?? 2)) status = 503;
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/*
 * A separate worker process for the exactly-once test: `node --import tsx worker-process.ts <DATABASE_URL> <nowIso> <ticks>`.
 * Webhooks come from CODEFLOW_WEBHOOKS, like a real replica. Prints JSON of what it did.
 */
import { openDb } from '../../db/client';
import { parseIncidentsConfig } from '../config';
import { tick } from '../escalation-worker';

const [url, nowIso, ticks] = process.argv.slice(2);
const handle = await openDb({ url: url!, maxConnections: 4 });
const config = parseIncidentsConfig({ notifications: { baseDelayMs: 0 } }, process.env);
let escalated = 0;
let delivered = 0;
try {
  const runs = Array.from({ length: Number(ticks ?? 5) }, () => tick(new Date(nowIso!), { db: handle.db, config }));
  for (const r of await Promise.all(runs)) {
    escalated += r.escalated.length;
    delivered += r.deliveries.filter((d) => d.ok).length;
  }
} finally {
  await handle.close();
}
process.stdout.write(JSON.stringify({ pid: process.pid, escalated, delivered }));

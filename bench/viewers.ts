/**
 * Viewers in a process of their own. A bench that also runs the sandbox (answering the console's
 * AWS calls) and a watcher (decoding every event) in its own process would otherwise time the
 * viewers on an event loop those keep busy: a chunk that arrived waits for the sandbox's answer
 * to be written before it is read. Real viewers are browsers, each with its own loop.
 *
 *   runViewers({ base, authorization, mode: 'subscribe-burst' | 'subscribe-spread' | 'poll', viewers, durationMs, intervalMs })
 *
 * The child prints one JSON line: the latencies (ms, sorted) and counts.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchClient, sleep, type LoadResult } from './harness';

export interface ViewerRun {
  base: string;
  authorization: string;
  /** `subscribe-burst`: every viewer opens the event stream in one instant; `subscribe-spread`: over `intervalMs`; `poll`: /api/fleet at `intervalMs` with the ETag, as the console does. */
  mode: 'subscribe-burst' | 'subscribe-spread' | 'poll';
  viewers: number;
  durationMs: number;
  intervalMs: number;
}

export interface ViewerResult extends LoadResult {
  /** Streams that gave no event in the run. */
  silent: number;
}

/** Runs the viewers in a child node process and returns what it measured. */
export function runViewers(run: ViewerRun): Promise<ViewerResult> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VIEWER_RUN: JSON.stringify(run) } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`viewers exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ViewerResult);
      } catch (e) {
        reject(e);
      }
    });
  });
}

async function main(run: ViewerRun): Promise<ViewerResult> {
  const client = benchClient(run.authorization);
  try {
    if (run.mode === 'poll') return { ...(await client.poll(`${run.base}/api/fleet`, run.viewers, run.durationMs, run.intervalMs, true)), silent: 0 };
    const url = `${run.base}/api/fleet/events`;
    const opening = Array.from({ length: run.viewers }, (_, i) => (run.mode === 'subscribe-spread' ? sleep((i / run.viewers) * run.intervalMs) : Promise.resolve()).then(() => client.subscribe(url)));
    const subs = await Promise.all(opening);
    await sleep(run.mode === 'subscribe-spread' ? Math.max(1000, run.durationMs - run.intervalMs) : run.durationMs);
    subs.forEach((s) => s.close());
    const latencies = subs.map((s) => s.firstEventMs ?? Infinity).sort((a, b) => a - b);
    const silent = latencies.filter((l) => l === Infinity).length;
    return { latencies: latencies.filter((l) => l !== Infinity), ok: subs.reduce((n, s) => n + s.events, 0), notModified: 0, errors: silent, errorKinds: silent ? { silent } : {}, silent };
  } finally {
    client.destroy();
  }
}

if (process.env.VIEWER_RUN && process.argv[1] === fileURLToPath(import.meta.url)) {
  main(JSON.parse(process.env.VIEWER_RUN) as ViewerRun).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `codeflow start` is doing, how long it has taken and about how long is left — so a first
 * start that builds for half a minute never looks hung. Estimates are the last start's durations
 * of each phase (kept in the data directory), or rough figures for a first start.
 *
 * On a terminal, one line redrawn every second; elsewhere (CI, a log file), a line per phase.
 */
export type PhaseName = 'sandbox' | 'build' | 'server' | 'warm-up';

/** Seconds each phase took on this project's reference machine (2 cores, idle), for a first start. */
const FIRST_START_ESTIMATE_MS: Record<PhaseName, number> = { sandbox: 2_000, build: 30_000, server: 4_000, 'warm-up': 2_000 };
const TIMINGS_FILE = 'start-timings.json';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export class StartProgress {
  private readonly started = Date.now();
  private readonly estimates: Partial<Record<PhaseName, number>>;
  private readonly measured: Partial<Record<PhaseName, number>> = {};
  private readonly active = new Map<PhaseName, { label: string; since: number; detail?: string }>();
  private ticker?: NodeJS.Timeout;
  private drawn = false;

  constructor(
    private readonly dataDir: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    let stored: Partial<Record<PhaseName, number>> = {};
    try {
      stored = JSON.parse(readFileSync(join(dataDir, TIMINGS_FILE), 'utf8')) as Partial<Record<PhaseName, number>>;
    } catch {
      // a first start: rough figures
    }
    this.estimates = stored;
  }

  private get tty(): boolean {
    return Boolean(this.out.isTTY) && process.env.CI !== 'true';
  }

  /** Begins a phase; phases may overlap (the sandbox starts while the console builds). */
  begin(phase: PhaseName, label: string): void {
    this.active.set(phase, { label, since: Date.now() });
    if (this.tty) {
      this.ticker ??= setInterval(() => this.draw(), 1000).unref();
      this.draw();
    } else {
      this.print(`codeflow: ${label}… (${this.estimateText(phase)})`);
    }
  }

  /** A step inside a phase (next build's own stages), shown beside its label. */
  detail(phase: PhaseName, detail: string): void {
    const entry = this.active.get(phase);
    if (!entry) return;
    entry.detail = detail;
    if (this.tty) this.draw();
  }

  end(phase: PhaseName): number {
    const entry = this.active.get(phase);
    if (!entry) return 0;
    this.active.delete(phase);
    const took = Date.now() - entry.since;
    this.measured[phase] = took;
    this.print(`codeflow: ${entry.label} — done in ${(took / 1000).toFixed(1)} s`);
    if (this.active.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    return took;
  }

  /** Prints a line above the progress line. */
  print(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    if (this.tty && this.active.size > 0) this.draw();
  }

  /** Stops drawing and keeps this start's durations as the next start's estimates. */
  finish(): number {
    if (this.ticker) clearInterval(this.ticker);
    this.clear();
    try {
      mkdirSync(this.dataDir, { recursive: true });
      writeFileSync(join(this.dataDir, TIMINGS_FILE), `${JSON.stringify({ ...this.estimates, ...this.measured })}\n`);
    } catch {
      // estimates are a convenience
    }
    return Date.now() - this.started;
  }

  private estimateText(phase: PhaseName): string {
    const estimate = this.estimates[phase] ?? FIRST_START_ESTIMATE_MS[phase];
    return `${this.estimates[phase] ? 'last time' : 'usually'} about ${seconds(estimate)}`;
  }

  private draw(): void {
    if (!this.tty || this.active.size === 0) return;
    const now = Date.now();
    const parts = [...this.active].map(([phase, { label, since, detail }]) => {
      const estimate = this.estimates[phase] ?? FIRST_START_ESTIMATE_MS[phase];
      const left = estimate - (now - since);
      // Past the estimate (a busy machine), say so rather than "nearly done" for a minute.
      const eta = left > 1000 ? `about ${seconds(left)} left` : left > -3000 ? 'nearly done' : `longer than the ${seconds(estimate)} expected (a busy machine?)`;
      return `${label}${detail ? ` (${detail})` : ''}: ${seconds(now - since)}, ${eta}`;
    });
    const line = `codeflow: ${parts.join('; ')} — ${seconds(now - this.started)} since start`;
    const width = this.out.columns ? this.out.columns - 1 : 200;
    this.out.write(`\r\x1b[2K${line.slice(0, width)}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

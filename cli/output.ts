/** Plain text on a pipe, colour on a terminal (unless NO_COLOR), JSON with --json. */
export interface Output {
  json: boolean;
  color: boolean;
  print(line?: string): void;
  printJson(value: unknown): void;
  table(headers: string[], rows: string[][]): void;
  paint(style: Style, text: string): string;
}

export type Style = 'red' | 'green' | 'yellow' | 'blue' | 'dim' | 'bold';

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export function createOutput(opts: { json?: boolean; stream?: NodeJS.WriteStream; env?: NodeJS.ProcessEnv } = {}): Output {
  const stream = opts.stream ?? process.stdout;
  const env = opts.env ?? process.env;
  const color = !opts.json && Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  const paint = (style: Style, text: string) => (color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
  return {
    json: Boolean(opts.json),
    color,
    print: (line = '') => void stream.write(`${line}\n`),
    printJson: (value) => void stream.write(`${JSON.stringify(value, null, 2)}\n`),
    table(headers, rows) {
      const widths = headers.map((h, i) => Math.max(visible(h).length, ...rows.map((r) => visible(r[i] ?? '').length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c).length)))
          .join('  ')
          .trimEnd();
      stream.write(`${line(headers.map((h) => paint('bold', h)))}\n`);
      for (const row of rows) stream.write(`${line(row)}\n`);
    },
    paint,
  };
}

const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(ANSI, '');

export const VERDICT_STYLE: Record<string, Style> = {
  healthy: 'green',
  deploying: 'blue',
  degraded: 'yellow',
  down: 'red',
  unknown: 'dim',
};

/** "3m ago", "2h ago" — the age of a timestamp, coarse as people say it. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | null;

export interface ParsedLine {
  level: LogLevel;
  /** The message as an object when it is a JSON object, for the expanded view. */
  json: Record<string, unknown> | null;
}

const LEVEL_WORDS: Record<string, LogLevel> = {
  fatal: 'error',
  critical: 'error',
  crit: 'error',
  error: 'error',
  err: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
};

/** A leading ERROR/WARN token, after an optional timestamp or bracket: `2026-… [ERROR] …`, `WARN: …`. */
const LEADING_LEVEL = /^\s*(?:\S*\d\S*\s+){0,2}\[?(FATAL|CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG|TRACE)\b/i;

export function parseLine(message: string): ParsedLine {
  const text = message.trim();
  if (text.startsWith('{') && text.endsWith('}')) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        const raw = obj.level ?? obj.severity ?? obj.lvl;
        const level = typeof raw === 'string' ? (LEVEL_WORDS[raw.toLowerCase()] ?? null) : typeof raw === 'number' ? pinoLevel(raw) : null;
        return { level, json: obj };
      }
    } catch {
      // Not JSON after all; treat as text.
    }
  }
  const m = LEADING_LEVEL.exec(text);
  return { level: m ? (LEVEL_WORDS[m[1]!.toLowerCase()] ?? null) : null, json: null };
}

/** pino's numeric levels: 50 error, 60 fatal, 40 warn. */
function pinoLevel(n: number): LogLevel {
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  return 'debug';
}

import { createLogger, setLogger, type Logger, type LoggerSetup } from '../logger';

/** A JSON logger whose lines land in `lines` (parsed), installed as the process logger until `restore()`. */
export function captureLogs(setup: Omit<LoggerSetup, 'destination' | 'format'> = {}): { lines: Record<string, unknown>[]; raw: string[]; logger: Logger; restore(): void } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    level: 'debug',
    env: {},
    ...setup,
    format: 'json',
    destination: {
      write(s: string) {
        raw.push(s);
        lines.push(JSON.parse(s) as Record<string, unknown>);
      },
    },
  });
  const previous = setLogger(logger);
  return { lines, raw, logger, restore: () => void setLogger(previous ?? createLogger()) };
}

/** A small argv parser: `--port 4000`, `--port=4000`, `--dev` (boolean), positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (inline !== undefined) flags[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[name] = argv[++i]!;
    else flags[name] = true;
  }
  return { positionals, flags };
}

export function intFlag(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const value = args.flags[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a whole number, got "${value === true ? '' : value}"`);
  return n;
}

export function numberFlag(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const value = args.flags[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} expects a number, got "${value === true ? '' : value}"`);
  return n;
}

export class UsageError extends Error {}

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A throwaway home for the CLI's credentials, so tests never touch the real ~/.config. */
export const cliConfigDir = () => mkdtempSync(join(tmpdir(), 'codeflow-cli-'));

/** Only what a user's shell would pass: no CODEFLOW_* or AWS_* from the test runner leaks in. */
const cliEnv = (configDir: string, extra: Record<string, string> = {}) =>
  ({ PATH: process.env.PATH ?? '', HOME: configDir, XDG_CONFIG_HOME: configDir, ...extra }) as unknown as NodeJS.ProcessEnv;

/** Runs the real `codeflow` binary (the package's bin) as a user would, with no TTY. */
export function codeflow(args: string[], opts: { configDir: string; input?: string; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'cli', 'codeflow.mjs'), ...args], {
      env: cliEnv(opts.configDir, opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Starts the binary and resolves once `ready(stdout)` holds; the caller stops it. */
export function codeflowUntil(args: string[], opts: { configDir: string; timeoutMs?: number }, ready: (stdout: string) => boolean) {
  const child = spawn(process.execPath, [join(process.cwd(), 'cli', 'codeflow.mjs'), ...args], {
    env: cliEnv(opts.configDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const seen = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no expected output within ${opts.timeoutMs ?? 15_000} ms; got:\n${stdout}`)), opts.timeoutMs ?? 15_000);
    child.stdout.on('data', (c) => {
      stdout += c;
      if (ready(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? null : 1))));
  return { child, seen, exited };
}

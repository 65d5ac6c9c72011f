/**
 * Reads the Dockerfile's final stage — WORKDIR, ENV, USER, CMD, HEALTHCHECK, COPY — so that tests
 * run the standalone server exactly as the image would (the same command, environment and
 * directory), and so that the ECS task definition's health check can be compared with the image's.
 * Only the exec (JSON array) form of CMD and HEALTHCHECK is accepted: the shell form would run
 * under /bin/sh and not receive signals.
 */
export interface DockerStage {
  name: string | undefined;
  from: string;
  workdir: string | undefined;
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[];
  healthcheck: string[];
  copies: { from: string | undefined; source: string; dest: string }[];
  expose: string[];
}

export interface Dockerfile {
  stages: DockerStage[];
  /** The last stage: what the image runs. */
  runtime: DockerStage;
  args: Record<string, string>;
}

function execForm(instruction: string, rest: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    throw new Error(`Dockerfile: ${instruction} must use the exec form ["executable", "arg", …], got: ${rest}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string')) {
    throw new Error(`Dockerfile: ${instruction} must be a non-empty JSON array of strings, got: ${rest}`);
  }
  return parsed;
}

function parseEnv(rest: string, into: Record<string, string>): void {
  for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    into[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  }
}

export function parseDockerfile(text: string): Dockerfile {
  // Join continuation lines, drop comments and blank lines.
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: DockerStage[] = [];
  const args: Record<string, string> = {};
  for (const line of lines) {
    const [, instruction = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const op = instruction.toUpperCase();
    const stage = stages.at(-1);
    if (op === 'ARG' && !stage) {
      const [k, v = ''] = rest.split('=');
      args[k!.trim()] = v.trim();
    } else if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!m) throw new Error(`Dockerfile: cannot read FROM ${rest}`);
      stages.push({ name: m[2], from: m[1]!.replace(/^\$\{?(\w+)\}?$/, (_, a: string) => args[a] ?? _), workdir: undefined, env: {}, user: undefined, cmd: [], healthcheck: [], copies: [], expose: [] });
    } else if (!stage) {
      continue;
    } else if (op === 'WORKDIR') {
      stage.workdir = rest;
    } else if (op === 'ENV') {
      parseEnv(rest, stage.env);
    } else if (op === 'USER') {
      stage.user = rest;
    } else if (op === 'EXPOSE') {
      stage.expose.push(...rest.split(/\s+/));
    } else if (op === 'CMD') {
      stage.cmd = execForm('CMD', rest);
    } else if (op === 'HEALTHCHECK') {
      const m = /\bCMD\s+(\[.*\])\s*$/.exec(rest);
      if (!m) throw new Error(`Dockerfile: HEALTHCHECK must end in CMD ["…"], got: ${rest}`);
      stage.healthcheck = execForm('HEALTHCHECK CMD', m[1]!);
    } else if (op === 'COPY') {
      const parts = rest.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
      const paths = parts.filter((p) => !p.startsWith('--'));
      stage.copies.push({ from, source: paths.slice(0, -1).join(' '), dest: paths.at(-1)! });
    }
  }
  const runtime = stages.at(-1);
  if (!runtime) throw new Error('Dockerfile: no FROM');
  return { stages, runtime, args };
}

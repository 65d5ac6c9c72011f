import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packConsole, PACKAGED_CONSOLE_DIR } from './packaged-console';

/** What a production build depends on; a change in any of these makes `start` rebuild. */
const BUILD_INPUTS = ['app', 'components', 'lib', 'public', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'tsconfig.next.json', 'package-lock.json', 'proxy.ts', 'instrumentation.ts', 'instrumentation-client.ts', 'scripts/healthcheck.mjs'];
const STAMP = join('.next', 'codeflow-build-stamp');

/**
 * Where `next build` (with `output: 'standalone'`) puts the self-contained server. The container
 * image copies this directory to /app and runs `node server.js` in it (Dockerfile); `codeflow
 * start` runs the same server.js from here.
 */
export const STANDALONE_DIR = join('.next', 'standalone');

function* files(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    yield* files(join(path, entry.name));
  }
}

/** A fingerprint of the build's inputs: paths, sizes and modification times. */
export function buildFingerprint(root: string): string {
  const hash = createHash('sha256');
  for (const input of BUILD_INPUTS) {
    for (const file of files(join(root, input))) {
      if (/\.test\.tsx?$/.test(file)) continue;
      const { size, mtimeMs } = statSync(file);
      hash.update(`${file}\0${size}\0${mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

export function isBuildCurrent(root: string): boolean {
  const stamp = join(root, STAMP);
  return (
    existsSync(join(root, '.next', 'BUILD_ID')) &&
    existsSync(join(root, STANDALONE_DIR, 'server.js')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === buildFingerprint(root)
  );
}

/**
 * Completes .next/standalone into what the image's /app holds: the server needs the client
 * assets (.next/static) and public/ beside it — `next build` leaves them out, expecting a CDN or
 * a copy — and the image's health check script.
 */
export function assembleStandalone(root: string): void {
  const out = join(root, STANDALONE_DIR);
  if (!existsSync(join(out, 'server.js'))) throw new Error(`${out}/server.js is missing: is output: 'standalone' set in next.config.js?`);
  rmSync(join(out, '.next', 'static'), { recursive: true, force: true });
  cpSync(join(root, '.next', 'static'), join(out, '.next', 'static'), { recursive: true });
  if (existsSync(join(root, 'public'))) {
    rmSync(join(out, 'public'), { recursive: true, force: true });
    cpSync(join(root, 'public'), join(out, 'public'), { recursive: true });
  }
  copyFileSync(join(root, 'scripts', 'healthcheck.mjs'), join(out, 'healthcheck.mjs'));
  // next build copies the .env files it loaded into the output: they may hold secrets, and a copy
  // goes stale. `codeflow start` reads the project's .env files itself; an image gets its
  // configuration from the environment.
  for (const file of readdirSync(out)) if (/^\.env($|\.)/.test(file)) rmSync(join(out, file));
  // File tracing of instrumentation.ts (which route-level excludes do not reach) follows the
  // migration lookup into lib/db and copies its sources; the server needs only the SQL files. And a
  // data directory must never travel with the build.
  pruneTo(join(out, 'lib'), (path) => /^db\/migrations\/[^/]+\.sql$/.test(path));
  rmSync(join(out, '.codeflow'), { recursive: true, force: true });
}

/** Deletes every file under `dir` whose path (relative to it) `keep` rejects, then empty directories. */
function pruneTo(dir: string, keep: (relativePath: string) => boolean, base = dir): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      pruneTo(path, keep, base);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (!keep(path.slice(base.length + 1))) {
      rmSync(path);
    }
  }
}

/**
 * Why a build runs. 'release' (`npm run build`, the image, `npm pack`) is next build as it is;
 * 'start' (`codeflow start`, and `npm test`, which runs tsc itself) skips the type check and the
 * build cache (next.config.js): the same server, sooner.
 */
export type BuildPurpose = 'release' | 'start';

const buildEnv = (purpose: BuildPurpose): NodeJS.ProcessEnv => ({ ...process.env, NEXT_TELEMETRY_DISABLED: '1', CODEFLOW_BUILD_PURPOSE: purpose });

/** `next build`, then the standalone assembly, then the stamp that lets `start` skip the next build. */
export function build(root: string, nextBin: string, purpose: BuildPurpose = 'release'): void {
  const fingerprint = buildFingerprint(root);
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: buildEnv(purpose) });
  if (result.status !== 0) throw new Error('next build failed; see the output above');
  assembleStandalone(root);
  writeFileSync(join(root, STAMP), fingerprint);
}

/** next build's own progress lines, as short names for the start command's progress line. */
const BUILD_STAGES: [RegExp, string][] = [
  [/Creating an optimized production build/, 'compiling'],
  [/Compiled successfully/, 'compiled'],
  [/Running TypeScript/, 'type checking'],
  [/Collecting page data/, 'collecting page data'],
  [/Generating static pages/, 'generating static pages'],
  [/Finalizing page optimization/, 'finalizing'],
  [/Collecting build traces/, 'tracing server files'],
];

/**
 * The build for `codeflow start`: asynchronous (the sandbox starts meanwhile), quiet unless it
 * fails (then its whole output is shown), and telling `onStage` where it is.
 */
export function buildForStart(root: string, nextBin: string, onStage: (stage: string) => void): Promise<void> {
  const fingerprint = buildFingerprint(root);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], { cwd: root, env: buildEnv('start'), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) {
        const stage = BUILD_STAGES.find(([pattern]) => pattern.test(line));
        if (stage) onStage(stage[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        process.stderr.write(output);
        reject(new Error('next build failed; see its output above'));
        return;
      }
      try {
        assembleStandalone(root);
        writeFileSync(join(root, STAMP), fingerprint);
        resolvePromise();
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/** Runs the build unless the last build is of exactly these inputs. */
export function buildIfNeeded(root: string, nextBin: string, purpose: BuildPurpose = 'release'): void {
  if (isBuildCurrent(root)) return;
  console.log('codeflow: building the console (next build)…');
  build(root, nextBin, purpose);
}

export function resolveNextBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
}

// `npm run build` (and the Dockerfile's build stage): always build, like `next build`.
// `--if-needed` (npm test, before suites that share the build run side by side): build unless
// current, for starting (npm test type-checks with tsc itself).
// `npm pack` (prepack): build unless current, then lay out the prebuilt console the package ships.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    if (process.argv.includes('--if-needed')) {
      buildIfNeeded(root, resolveNextBin(), 'start');
    } else if (process.argv.includes('--package')) {
      buildIfNeeded(root, resolveNextBin());
      const externals = packConsole(root, join(root, STANDALONE_DIR));
      console.log(`codeflow: packaged the console in ${PACKAGED_CONSOLE_DIR} (${Object.keys(externals).length} external packages linked at start)`);
    } else {
      build(root, resolveNextBin());
    }
  } catch (e) {
    console.error(`codeflow: ${(e as Error).message}`);
    process.exit(1);
  }
}

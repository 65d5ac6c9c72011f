import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a production build depends on; a change in any of these makes `start` rebuild. */
const BUILD_INPUTS = ['app', 'components', 'lib', 'public', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'tsconfig.next.json', 'package-lock.json', 'proxy.ts'];
const STAMP = join('.next', 'codeflow-build-stamp');

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
  return existsSync(join(root, '.next', 'BUILD_ID')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === buildFingerprint(root);
}

/** Runs `next build` unless the last build is of exactly these inputs. */
export function buildIfNeeded(root: string, nextBin: string): void {
  if (isBuildCurrent(root)) return;
  console.log('codeflow: building the console (next build)…');
  const fingerprint = buildFingerprint(root);
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error('next build failed; see the output above');
  writeFileSync(join(root, STAMP), fingerprint);
}

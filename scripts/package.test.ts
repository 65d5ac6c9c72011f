import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';

/**
 * `npm pack --dry-run` lists only what a user of the package needs (the guide's §3.1): the
 * sources `codeflow start` builds and runs, the CLI and the sandbox — no tests, test helpers,
 * local data, build or test output, docs images, infrastructure or benches. And nothing shipped
 * imports a file that is not shipped.
 */
const root = join(import.meta.dirname, '..');

function packList(): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  const [pack] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path).sort();
}

const CODE = /\.(ts|tsx|mjs|js)$/;
const RESOLVE = ['', '.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.tsx'];

/** The file an import specifier names, relative to the package root, or null for a package import. */
function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith('@/')) base = specifier.slice(2);
  else if (specifier.startsWith('.')) base = normalize(join(dirname(from), specifier));
  else return null;
  for (const suffix of RESOLVE) {
    const candidate = base + suffix;
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return candidate;
  }
  return base;
}

describe('the npm package', () => {
  const files = packList();

  it('holds the CLI, the console sources, the sandbox, the migrations and the build configuration', () => {
    for (const required of ['package.json', 'README.md', '.env.example', 'cli/codeflow.mjs', 'cli/main.ts', 'cli/build.ts', 'cli/start-command.ts', 'app/layout.tsx', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'tsconfig.next.json', 'proxy.ts', 'instrumentation.ts', 'sandbox/server.ts', 'scripts/healthcheck.mjs']) {
      assert.ok(files.includes(required), `${required} is not in the package`);
    }
    assert.ok(files.some((f) => /^lib\/db\/migrations\/\d{4}_.+\.up\.sql$/.test(f)), 'the SQL migrations');
    const bin = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.codeflow;
    assert.ok(bin && files.includes(bin), 'the bin script');
  });

  it('holds no tests, test helpers, local data, output, docs, infrastructure or secrets', () => {
    const unwanted = files.filter((f) =>
      /\.test\.tsx?$|(^|\/)testing\/|^lib\/db\/test-targets\.ts$|^\.codeflow\/|^\.next\/|^test-results\/|^playwright-report\/|^e2e\/|^docs\/|^bench\/|^infrastructure\/|^\.ci\/|^\.env$|^\.env\.(?!example$)|\.png$|\.tsbuildinfo$|^node_modules\/|^playwright\.config\.ts$|^codeflow\.config\.json$/.test(f),
    );
    assert.deepEqual(unwanted, []);
  });

  it('ships every file that a shipped file imports', () => {
    const shipped = new Set(files);
    const missing: string[] = [];
    for (const file of files.filter((f) => CODE.test(f))) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const target = resolveImport(file, m[1]!);
        if (target !== null && !shipped.has(target)) missing.push(`${file} → ${m[1]}`);
      }
    }
    assert.deepEqual(missing, [], 'imported but left out of package.json "files"');
  });
});

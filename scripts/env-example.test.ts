import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..');
/** Read by tests, the browser suites or the tooling only: not Codeflow's configuration. */
const NOT_CONFIGURATION = new Set(['PATH', 'HOME', 'TERM', 'NEXT_RUNTIME', 'NEXT_PHASE', 'CI', 'CHROMIUM_PATH', 'TEST_DATABASE_URL', 'AWS_API_CALL']);
const SOURCES = ['app', 'lib', 'cli', 'components', 'sandbox', 'proxy.ts', 'instrumentation.ts', 'next.config.js'];

function* codeFiles(path: string): Generator<string> {
  if (statSync(path).isFile()) {
    if (/\.(ts|tsx|mjs|js)$/.test(path) && !/\.test\.tsx?$/.test(path) && !path.includes('/testing/')) yield path;
    return;
  }
  for (const entry of readdirSync(path)) if (entry !== 'node_modules') yield* codeFiles(join(path, entry));
}

/** Every environment variable the code reads: process.env.X, env.X, env['X'], and names passed to the config readers. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const source of SOURCES) {
    for (const file of codeFiles(join(root, source))) {
      const code = readFileSync(file, 'utf8');
      const patterns = [/\benv\.([A-Z][A-Z0-9_]+)\b/g, /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g, /\bintVar\(env, '([A-Z][A-Z0-9_]+)'/g];
      for (const pattern of patterns) for (const m of code.matchAll(pattern)) if (!found.has(m[1]!)) found.set(m[1]!, file.slice(root.length + 1));
    }
  }
  for (const name of NOT_CONFIGURATION) found.delete(name);
  return found;
}

describe('.env.example', () => {
  const example = readFileSync(join(root, '.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

  it('documents every variable Codeflow reads', () => {
    const read = variablesRead();
    assert.ok(read.has('DATABASE_URL') && read.has('NEXTAUTH_SECRET'), 'the scan found the obvious ones');
    const missing = [...read].filter(([name]) => !documented.has(name)).map(([name, file]) => `${name} (read in ${file})`);
    assert.deepEqual(missing, [], 'add these to .env.example with a comment saying what they do');
  });

  it('sets no value that would change behaviour when copied to .env, and holds no secret', () => {
    const active = example.split('\n').filter((l) => /^[A-Z]/.test(l));
    assert.deepEqual(active, [], 'every setting stays commented out');
    for (const m of example.matchAll(/^#\s*(NEXTAUTH_SECRET|OIDC_CLIENT_SECRET)=(.*)$/gm)) assert.equal(m[2], '', `${m[1]} must be empty in the example`);
  });

  it('says which variables a deployed server requires', () => {
    for (const name of ['NODE_ENV', 'DATABASE_URL', 'REDIS_URL', 'AWS_REGION', 'NEXTAUTH_URL', 'NEXTAUTH_SECRET', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']) {
      const block = example.slice(0, example.search(new RegExp(`^#\\s*${name}=`, 'm')));
      const comment = block.slice(block.lastIndexOf('\n\n'));
      assert.match(comment, /REQUIRED/, `${name}'s comment should say it is required`);
    }
  });
});

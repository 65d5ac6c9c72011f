import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { linkExternals, packConsole, readExternals } from './packaged-console';

const work = mkdtempSync(join(tmpdir(), 'codeflow-packaged-'));
after(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, text = '') {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A standalone output as Turbopack lays it out: traced node_modules, and hashed aliases linking into them. */
function standalone(dir: string) {
  write(join(dir, 'server.js'), '// server');
  write(join(dir, '.next', 'BUILD_ID'), 'b1');
  write(join(dir, '.next', 'cache', 'fetch', 'x'), 'cache');
  write(join(dir, 'node_modules', 'pg', 'package.json'), '{"name":"pg"}');
  write(join(dir, 'node_modules', '@aws-sdk', 'client-ecs', 'package.json'), '{"name":"@aws-sdk/client-ecs"}');
  mkdirSync(join(dir, '.next', 'node_modules', '@aws-sdk'), { recursive: true });
  symlinkSync('../../node_modules/pg', join(dir, '.next', 'node_modules', 'pg-587764f78a6c7a9c'));
  symlinkSync('../../../node_modules/@aws-sdk/client-ecs', join(dir, '.next', 'node_modules', '@aws-sdk', 'client-ecs-6f43df99e093adaf'));
}

describe('the packaged console', () => {
  const built = join(work, 'repo', '.next', 'standalone');
  standalone(built);

  it('reads the hashed aliases, scoped and not, with the package each stands for', () => {
    assert.deepEqual(readExternals(built), { 'pg-587764f78a6c7a9c': 'pg', '@aws-sdk/client-ecs-6f43df99e093adaf': '@aws-sdk/client-ecs' });
  });

  it('refuses an alias it cannot carry (a copied directory instead of a link) rather than pack a console that cannot start', () => {
    const odd = join(work, 'odd', '.next', 'standalone');
    write(join(odd, 'server.js'));
    write(join(odd, '.next', 'node_modules', 'pino-28069d5257187539', 'package.json'), '{"name":"pino"}');
    assert.throws(() => readExternals(odd), /pino-28069d5257187539 is not a link to a package/);
  });

  it('packs everything but node_modules and the runtime cache, with the alias list', () => {
    packConsole(join(work, 'repo'), built);
    const out = join(work, 'repo', 'dist', 'console');
    assert.ok(existsSync(join(out, 'server.js')));
    assert.ok(existsSync(join(out, '.next', 'BUILD_ID')));
    assert.ok(!existsSync(join(out, 'node_modules')));
    assert.ok(!existsSync(join(out, '.next', 'node_modules')));
    assert.ok(!existsSync(join(out, '.next', 'cache')));
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'externals.json'), 'utf8')), readExternals(built));
  });

  it('links each alias to the package installed beside the codeflow package, again after a reinstall moved it', () => {
    // An installed layout: project/node_modules/{codeflow,pg,@aws-sdk/client-ecs}.
    const modules = join(work, 'project', 'node_modules');
    const pkg = join(modules, 'codeflow');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    packConsole(pkg, built);
    write(join(modules, 'pg', 'package.json'), '{"name":"pg"}');
    write(join(modules, '@aws-sdk', 'client-ecs', 'package.json'), '{"name":"@aws-sdk/client-ecs"}');
    const consoleDir = join(pkg, 'dist', 'console');

    linkExternals(consoleDir, pkg);
    const alias = join(consoleDir, '.next', 'node_modules', 'pg-587764f78a6c7a9c');
    assert.equal(realpathSync(alias), realpathSync(join(modules, 'pg')));
    assert.equal(realpathSync(join(consoleDir, '.next', 'node_modules', '@aws-sdk', 'client-ecs-6f43df99e093adaf')), realpathSync(join(modules, '@aws-sdk', 'client-ecs')));

    // npm later nests pg under codeflow (another version hoisted): the link follows.
    write(join(pkg, 'node_modules', 'pg', 'package.json'), '{"name":"pg"}');
    linkExternals(consoleDir, pkg);
    assert.equal(readlinkSync(alias), realpathSync(join(pkg, 'node_modules', 'pg')));
  });

  it('refuses to start, naming the package, when npm did not install one the console loads', () => {
    const pkg = join(work, 'bare', 'node_modules', 'codeflow');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    packConsole(pkg, built);
    assert.throws(() => linkExternals(join(pkg, 'dist', 'console'), pkg), (e: Error) => /needs .*, which npm did not install beside it; run npm install again/.test(e.message) && e.message.includes('pg') && e.message.includes('@aws-sdk/client-ecs'));
  });

  it('says the package must be reinstalled when the prebuilt console is missing', () => {
    assert.throws(() => linkExternals(join(work, 'nowhere'), work), /prebuilt console is missing .* reinstall the codeflow package/);
  });
});

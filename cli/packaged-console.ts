import { accessSync, constants, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/**
 * The npm package ships the console prebuilt, so `npx codeflow start` on a user's machine runs a
 * server instead of building one inside node_modules (which Turbopack cannot do). `npm pack`
 * (prepack) copies the standalone output here, less its node_modules: the package's own
 * dependencies, installed beside it, are what the server loads.
 *
 * One wrinkle: Turbopack loads each server-external package (next.config.js) under an alias — its
 * name plus a hash of it, e.g. `pg-587764f78a6c7a9c` — through a symlink in `.next/node_modules`
 * that points at the real package. npm never packs node_modules directories (nor symlinks), so
 * the aliases travel as a list (EXTERNALS_FILE) and `codeflow start` links them to wherever npm
 * installed those packages.
 */
export const PACKAGED_CONSOLE_DIR = join('dist', 'console');
const EXTERNALS_FILE = 'externals.json';
const ALIASES_DIR = join('.next', 'node_modules');

/** alias (as the server chunks require it) → package name */
type Externals = Record<string, string>;

/** The aliases in a standalone output's `.next/node_modules`: `[@scope/]name-<hash>` symlinks to `…/node_modules/[@scope/]name`. */
export function readExternals(standaloneDir: string): Externals {
  const aliasesDir = join(standaloneDir, ALIASES_DIR);
  if (!existsSync(aliasesDir)) return {};
  const externals: Externals = {};
  const visit = (dir: string, scope: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const alias = scope ? `${scope}/${entry.name}` : entry.name;
      if (entry.isDirectory() && entry.name.startsWith('@') && !scope) visit(join(dir, entry.name), entry.name);
      else if (entry.isSymbolicLink()) {
        const target = readlinkSync(join(dir, entry.name)).split(/[\\/]/);
        const at = target.lastIndexOf('node_modules');
        if (at < 0) throw new Error(`${join(dir, entry.name)} links to ${target.join('/')}, not to a package in node_modules`);
        externals[alias] = target.slice(at + 1).join('/');
      } else {
        // Anything else would be left out of the package silently, and the server would not start.
        throw new Error(`${join(dir, entry.name)} is not a link to a package: this Next.js lays out its external packages in a way codeflow's packaging does not know`);
      }
    }
  };
  visit(aliasesDir, '');
  return externals;
}

/**
 * Copies the assembled standalone output (cli/build.ts) to `dist/console` in the form the package
 * carries: everything but node_modules, plus the alias list. Returns the aliases written.
 */
export function packConsole(root: string, standaloneDir: string): Externals {
  const out = join(root, PACKAGED_CONSOLE_DIR);
  rmSync(out, { recursive: true, force: true });
  const externals = readExternals(standaloneDir);
  cpSync(standaloneDir, out, {
    recursive: true,
    // Neither the traced dependencies nor Next's runtime cache belong in the package.
    filter: (source) => {
      const parts = relative(standaloneDir, source).split(sep);
      return !parts.includes('node_modules') && !(parts[0] === '.next' && parts[1] === 'cache');
    },
  });
  writeFileSync(join(out, EXTERNALS_FILE), `${JSON.stringify(externals, null, 2)}\n`);
  return externals;
}

/** Where Node would find `name` when it is required from `fromDir`, or null when it is not installed. */
function installedPackageDir(name: string, fromDir: string): string | null {
  const lookup = createRequire(join(fromDir, 'package.json')).resolve.paths(name) ?? [];
  for (const modules of lookup) {
    const dir = join(modules, name);
    if (existsSync(join(dir, 'package.json'))) return realpathSync(dir);
  }
  return null;
}

/**
 * Makes the packaged console runnable where npm installed it: links each alias to the package
 * npm installed for the codeflow package (found from `packageRoot` as Node would). Idempotent and
 * quick, so `codeflow start` runs it every time; a moved or reinstalled dependency is relinked.
 */
export function linkExternals(consoleDir: string, packageRoot: string): void {
  const externalsFile = join(consoleDir, EXTERNALS_FILE);
  if (!existsSync(join(consoleDir, 'server.js')) || !existsSync(externalsFile)) {
    throw new Error(`the prebuilt console is missing from ${consoleDir}; reinstall the codeflow package`);
  }
  const externals = JSON.parse(readFileSync(externalsFile, 'utf8')) as Externals;
  const installed = new Map(Object.values(externals).map((name) => [name, installedPackageDir(name, packageRoot)]));
  const missing = [...installed].filter(([, dir]) => dir === null).map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(`the console needs ${missing.join(', ')}, which npm did not install beside it; run npm install again`);
  }
  try {
    accessSync(consoleDir, constants.W_OK);
  } catch {
    throw new Error(
      `${consoleDir} is not writable, and codeflow start links the console's dependencies there on first run. ` +
        'Install codeflow where the user running it can write (npm install codeflow in a project directory), or run the container image.',
    );
  }
  for (const [alias, name] of Object.entries(externals)) {
    const link = join(consoleDir, ALIASES_DIR, alias);
    const target = installed.get(name)!;
    if (isSymlink(link)) {
      if (readlinkSync(link) === target) continue;
      rmSync(link);
    }
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

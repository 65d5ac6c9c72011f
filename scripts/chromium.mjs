// Finds a Chromium for Playwright: its own browser when installed, else Debian's headless shell
// (`chromium-headless-shell`, what Playwright itself runs for headless tests: no browser UI, no GPU
// process, about half the CPU of the full browser in headless mode), else Debian's `chromium`; on a
// Debian machine with none, as root, installs the headless shell. Prints the path to use
// ('' = Playwright's own) or exits 1 with a one-line instruction.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SYSTEM_CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

async function playwrightOwn() {
  try {
    const { chromium } = await import('@playwright/test');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const systemChromium = () => SYSTEM_CANDIDATES.find((p) => existsSync(p)) ?? null;

export async function resolveChromium({ install = true } = {}) {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  if (await playwrightOwn()) return '';
  const system = systemChromium();
  if (system) return system;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (install && isRoot && existsSync('/etc/debian_version')) {
    console.log('codeflow tests: installing Debian\'s Chromium headless shell (apt-get install chromium-headless-shell)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    const result = spawnSync('apt-get', ['install', '-y', '-q', 'chromium-headless-shell'], { stdio: 'inherit', env });
    if (result.status === 0 && systemChromium()) return systemChromium();
  }
  return null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = await resolveChromium();
  if (path === null) {
    console.error('No Chromium found: run `npx playwright install chromium`, or on Debian `sudo apt-get install chromium`.');
    process.exit(1);
  }
  console.log(path || '(playwright)');
}

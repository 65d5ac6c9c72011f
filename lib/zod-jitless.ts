/**
 * Sets zod's `jitless` option without loading zod. zod keeps its global configuration on
 * `globalThis.__zod_globalConfig` and adopts an object already there, so setting it before zod loads
 * is the same as `config({ jitless: true })` — without the ~7 KB gzipped of zod's core that importing
 * `config` would add to every page's first-load JavaScript (bench/first-load-js.ts). A zod upgrade
 * that moves the setting fails lib/zod-jitless.test.ts.
 */
export function setZodJitless(): void {
  const holder = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
  (holder.__zod_globalConfig ??= {}).jitless = true;
}

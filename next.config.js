// `codeflow start` builds for one purpose, serving the console now (cli/build.ts sets this): it
// leaves type checking to `npm test` (scripts/test.mjs runs tsc) — half of a first start's build
// on a 2-core machine — and skips writing Turbopack's build cache, which costs a first start more
// than it saves the next build. `npm run build` (the container image) keeps both.
const startBuild = process.env.CODEFLOW_BUILD_PURPOSE === 'start';

/**
 * Sent with every response, assets and API included; the per-request Content-Security-Policy (with
 * its nonce) and HSTS come from proxy.ts for pages and lib/api/handler.ts for the API.
 */
const SECURITY_HEADERS = [
  // Nobody frames Codeflow (clickjacking of Deploy and Roll back); CSP frame-ancestors says the same to newer browsers.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
  // `next build` writes a self-contained server to .next/standalone (server.js plus only the
  // node_modules it traces): `codeflow start` and the container image both run it (Dockerfile).
  output: 'standalone',
  // Read at run time from the project root, which the standalone server takes as its cwd.
  outputFileTracingIncludes: { '/**': ['./lib/db/migrations/*.sql'] },
  // migrate.ts looks for the migrations beside itself too, which traces its sources: not needed.
  // The embedded database's default directory (.codeflow, joined to the cwd at run time) must never
  // be traced into the output: it holds a developer's or a test run's data.
  outputFileTracingExcludes: { '*': ['./.codeflow/**', './test-results/**'], '/**': ['./lib/db/*.ts', './.codeflow/**'] },
  reactStrictMode: true,
  // The build checks the app's own code; `npm run typecheck` (and the tests) cover the sandbox,
  // CLI, tests and benches.
  typescript: { tsconfigPath: 'tsconfig.next.json', ignoreBuildErrors: startBuild },
  experimental: {
    // forbidden(): a page someone's role may not see answers HTTP 403 with app/forbidden.tsx.
    authInterrupts: true,
    turbopackFileSystemCacheForBuild: !startBuild,
  },
  // Server-only packages loaded from node_modules at run time: the AWS SDK is large, PGlite ships
  // its WebAssembly and data files beside its code, and pg has optional native bindings.
  serverExternalPackages: [
    '@aws-sdk/client-ecs',
    '@aws-sdk/client-elastic-load-balancing-v2',
    '@aws-sdk/client-cloudwatch',
    '@aws-sdk/client-cloudwatch-logs',
    '@aws-sdk/client-guardduty',
    '@aws-sdk/client-backup',
    '@electric-sql/pglite',
    'pg',
    // The shared cache's Redis client (lib/cache/redis-client.ts); its optional OpenTelemetry hook is required lazily.
    '@redis/client',
  ],
};

export default nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The build checks the app's own code; `npm run typecheck` (and the tests) cover the sandbox,
  // CLI, tests and benches.
  typescript: { tsconfigPath: 'tsconfig.next.json' },
  // Server-only packages loaded from node_modules at run time: the AWS SDK is large, PGlite ships
  // its WebAssembly and data files beside its code, and pg has optional native bindings.
  serverExternalPackages: [
    '@aws-sdk/client-ecs',
    '@aws-sdk/client-elastic-load-balancing-v2',
    '@aws-sdk/client-cloudwatch',
    '@aws-sdk/client-cloudwatch-logs',
    '@aws-sdk/client-guardduty',
    '@electric-sql/pglite',
    'pg',
  ],
};

export default nextConfig;

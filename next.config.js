/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The AWS SDK is server-only and large; keep it out of the bundler.
  serverExternalPackages: ['@aws-sdk/client-ecs', '@aws-sdk/client-elastic-load-balancing-v2'],
};

export default nextConfig;

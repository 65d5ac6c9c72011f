import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import { getCurrentUser } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { TopBar } from '@/components/layout/top-bar';
import { placeOptions } from '@/lib/accounts/places';
import { SandboxBanner } from '@/components/layout/sandbox-banner';
import { THEME_SCRIPT } from '@/components/layout/theme-script';
import { InlineScript } from '@/components/layout/inline-script';
import './globals.css';

// Live operational data and runtime config: nothing here may be prerendered at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Codeflow', template: '%s · Codeflow' },
  description: 'The operations console for services on AWS ECS',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const config = getConfig();
  // Only for what the bar shows; every page and route checks the user again itself.
  const user = await getCurrentUser().catch(() => null);
  // The CSP nonce proxy.ts made for this request: the one inline script of ours must carry it to run.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <InlineScript html={THEME_SCRIPT} nonce={nonce} />
      </head>
      <body className="min-h-screen bg-bg text-fg">
        {config.sandbox && <SandboxBanner />}
        <TopBar region={config.region} sandbox={config.sandbox} user={user} places={placeOptions(config.places)} />
        {children}
      </body>
    </html>
  );
}

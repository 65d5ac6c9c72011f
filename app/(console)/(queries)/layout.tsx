import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { getConfig } from '@/lib/config';
import { placeOptions } from '@/lib/accounts/places';

/**
 * Every console page but the overview reads through TanStack Query. Its client is provided here,
 * not in the root layout, so the overview — the page opened first and most — does not download it
 * (about 12 KB gzipped of its first-load JavaScript; bench/first-load-js.ts).
 */
export default function QueryPagesLayout({ children }: { children: ReactNode }) {
  return <Providers places={placeOptions(getConfig().places)}>{children}</Providers>;
}

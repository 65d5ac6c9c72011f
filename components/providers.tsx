'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { getQueryClient } from '@/lib/api/query-client';
import type { PlaceRef } from '@/lib/accounts/places';
import { HomePlaceProvider } from '@/components/places/home-place';

export function Providers({ home = null, children }: { home?: PlaceRef | null; children: ReactNode }) {
  const queryClient = getQueryClient();
  return (
    <QueryClientProvider client={queryClient}>
      <HomePlaceProvider home={home}>{children}</HomePlaceProvider>
    </QueryClientProvider>
  );
}

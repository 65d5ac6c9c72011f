'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { getQueryClient } from '@/lib/api/query-client';
import type { PlaceOption } from '@/lib/accounts/places';
import { PlacesProvider } from '@/components/places/home-place';

export function Providers({ places = [], children }: { places?: readonly PlaceOption[]; children: ReactNode }) {
  const queryClient = getQueryClient();
  return (
    <QueryClientProvider client={queryClient}>
      <PlacesProvider places={places}>{children}</PlacesProvider>
    </QueryClientProvider>
  );
}

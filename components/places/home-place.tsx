'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { PlaceRef } from '@/lib/accounts/places';
import { serviceHref } from '@/lib/fleet/service-href';

const HomePlace = createContext<PlaceRef | null>(null);

/** The configured home account and Region, so links to home services stay short (no `?account=`). */
export function HomePlaceProvider({ home, children }: { home: PlaceRef | null; children: ReactNode }) {
  return <HomePlace.Provider value={home}>{children}</HomePlace.Provider>;
}

export const useHomePlace = (): PlaceRef | null => useContext(HomePlace);

/** A service page link maker for records that may name their account and Region (absent: home). */
export function useServiceHref(): (s: { account?: string | null; region?: string | null; cluster: string; service: string }, params?: Record<string, string>) => string {
  const home = useHomePlace();
  return (s, params) => serviceHref({ account: s.account ?? undefined, region: s.region ?? undefined, cluster: s.cluster, name: s.service }, home, params);
}

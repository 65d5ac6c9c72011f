'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { PlaceOption, PlaceRef } from '@/lib/accounts/places';
import { serviceHref } from '@/lib/fleet/service-href';

const Places = createContext<readonly PlaceOption[]>([]);

/** The configured accounts and Regions (home first), for links and labels in client components. */
export function PlacesProvider({ places, children }: { places: readonly PlaceOption[]; children: ReactNode }) {
  return <Places.Provider value={places}>{children}</Places.Provider>;
}

export const usePlaces = (): readonly PlaceOption[] => useContext(Places);

export function useHomePlace(): PlaceRef | null {
  const home = usePlaces().find((p) => p.home);
  return home ? { accountId: home.account, region: home.region } : null;
}

/** A service page link maker for records that may name their account and Region (absent: home). */
export function useServiceHref(): (s: { account?: string | null; region?: string | null; cluster: string; service: string }, params?: Record<string, string>) => string {
  const home = useHomePlace();
  return (s, params) => serviceHref({ account: s.account ?? undefined, region: s.region ?? undefined, cluster: s.cluster, name: s.service }, home, params);
}

/** "staging · us-east-1" for a record's place when several are watched; null with one (nothing to tell apart). */
export function usePlaceName(): (where: { account?: string | null; region?: string | null }) => string | null {
  const places = usePlaces();
  return (where) => {
    if (places.length < 2 || !where.account || !where.region) return null;
    const name = places.find((p) => p.account === where.account)?.accountName ?? where.account;
    return `${name} · ${where.region}`;
  };
}

import type { ServiceHealth } from './types';

/** What identifies a service across accounts and Regions: the feed's delta removals name these. */
export const serviceKeyOf = (s: Pick<ServiceHealth, 'account' | 'region' | 'cluster' | 'name'>): string => `${s.account}/${s.region}/${s.cluster}/${s.name}`;

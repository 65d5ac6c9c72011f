import type { ServiceHealth, Verdict } from './types';

export interface ServiceFilter {
  /** Account id. */
  account?: string;
  region?: string;
  cluster?: string;
  verdict?: Verdict | Verdict[];
  /** Free text; every whitespace-separated word must match the name, cluster, image or a reason. */
  q?: string;
}

/** Pure and free of server imports, so client components can filter the overview they already hold. */
export function filterServices(services: readonly ServiceHealth[], filter: ServiceFilter): ServiceHealth[] {
  const verdicts = filter.verdict === undefined ? null : new Set(Array.isArray(filter.verdict) ? filter.verdict : [filter.verdict]);
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return services.filter((s) => {
    if (filter.account && s.account !== filter.account) return false;
    if (filter.region && s.region !== filter.region) return false;
    if (filter.cluster && s.cluster !== filter.cluster) return false;
    if (verdicts && !verdicts.has(s.verdict)) return false;
    if (words.length === 0) return true;
    const haystack = [s.name, s.cluster, s.image ?? '', ...s.reasons].join('\n').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

import type { ServiceHealth, Verdict } from '@/lib/fleet/types';
import { isVerdict, verdictRank } from '@/components/fleet/verdict';

export type SortKey = 'verdict' | 'name' | 'cluster' | 'deployed';

/** The overview's view state; it lives in the URL so a link reproduces what the sender saw. */
export interface OverviewView {
  /** Account id. */
  account?: string;
  region?: string;
  cluster?: string;
  verdict?: Verdict;
  q?: string;
  sort: SortKey;
}

const SORT_KEYS: readonly SortKey[] = ['verdict', 'name', 'cluster', 'deployed'];

export function parseView(params: Pick<URLSearchParams, 'get'>): OverviewView {
  const account = params.get('account')?.trim() || undefined;
  const region = params.get('region')?.trim() || undefined;
  const cluster = params.get('cluster')?.trim() || undefined;
  const verdictRaw = params.get('verdict');
  const q = params.get('q') ?? undefined;
  const sortRaw = params.get('sort');
  return {
    account,
    region,
    cluster,
    verdict: isVerdict(verdictRaw) ? verdictRaw : undefined,
    q: q || undefined,
    sort: SORT_KEYS.includes(sortRaw as SortKey) ? (sortRaw as SortKey) : 'verdict',
  };
}

/** Only non-default values, in a stable order, so equal views have equal URLs. */
export function viewToSearch(view: OverviewView): string {
  const p = new URLSearchParams();
  if (view.account) p.set('account', view.account);
  if (view.region) p.set('region', view.region);
  if (view.cluster) p.set('cluster', view.cluster);
  if (view.verdict) p.set('verdict', view.verdict);
  if (view.q) p.set('q', view.q);
  if (view.sort !== 'verdict') p.set('sort', view.sort);
  const s = p.toString();
  return s ? `?${s}` : '';
}

const byName = (a: ServiceHealth, b: ServiceHealth) => a.name.localeCompare(b.name) || a.cluster.localeCompare(b.cluster);
const byVerdict = (a: ServiceHealth, b: ServiceHealth) => verdictRank(a.verdict) - verdictRank(b.verdict);
const deployedAt = (s: ServiceHealth) => (s.lastDeploymentAt ? Date.parse(s.lastDeploymentAt) : 0);

const comparators: Record<SortKey, (a: ServiceHealth, b: ServiceHealth) => number> = {
  verdict: (a, b) => byVerdict(a, b) || byName(a, b),
  name: byName,
  cluster: (a, b) => a.cluster.localeCompare(b.cluster) || byVerdict(a, b) || byName(a, b),
  deployed: (a, b) => deployedAt(b) - deployedAt(a) || byName(a, b),
};

export function sortServices(services: readonly ServiceHealth[], sort: SortKey): ServiceHealth[] {
  return [...services].sort(comparators[sort]);
}

export function countByVerdict(services: readonly ServiceHealth[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { down: 0, degraded: 0, deploying: 0, unknown: 0, healthy: 0 };
  for (const s of services) counts[s.verdict] += 1;
  return counts;
}

import { getConfig } from '../config';

/**
 * The audit target of something done to a service. While Codeflow watches one account and Region it
 * is `cluster/service`, as it always was; with several, `account/region/cluster/service`, so the
 * Audit page, its filters and every export say where without opening the params. A `cluster/service`
 * filter still finds both (the target filter matches a substring).
 */
export function auditTargetOf(where: { account: string; region: string; cluster: string; service: string }, placeCount = getConfig().places.length): string {
  const path = `${where.cluster}/${where.service}`;
  return placeCount > 1 ? `${where.account}/${where.region}/${path}` : path;
}

import { getFleetOverview } from '@/lib/fleet/overview';
import { MissingServiceMessage } from '@/components/service/missing-service-message';

/*
 * not-found files receive no props, so the names come from the URL (useParams in the client
 * leaf). Whether the cluster or the service is the missing one is decided against the clusters
 * Codeflow reads, which the overview has cached anyway.
 */
export default async function ServiceNotFound() {
  const knownClusters = await getFleetOverview()
    .then((o) => o.clusters.filter((c) => c.fetchedAt !== null).map((c) => c.cluster))
    .catch(() => null);
  return <MissingServiceMessage knownClusters={knownClusters} />;
}

'use client';

import { useParams } from 'next/navigation';
import { isValidEcsName } from '@/lib/api/ecs-name';
import { NotFoundPanel } from '@/components/layout/not-found-panel';

function decode(s: string | string[] | undefined): string {
  const v = Array.isArray(s) ? s.join('/') : (s ?? '');
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function MissingServiceMessage({ knownClusters }: { knownClusters: string[] | null }) {
  const params = useParams<{ cluster: string; service: string }>();
  const cluster = decode(params.cluster);
  const service = decode(params.service);

  let title: string;
  let detail: string;
  if (!isValidEcsName(cluster) || !isValidEcsName(service)) {
    const bad = !isValidEcsName(cluster) ? `cluster name "${cluster}"` : `service name "${service}"`;
    title = `The ${bad} is not valid`;
    detail = 'ECS names use 1–255 letters, numbers, hyphens (-) and underscores (_). Check the link you followed.';
  } else if (knownClusters && !knownClusters.includes(cluster)) {
    title = `Cluster "${cluster}" was not found`;
    detail = knownClusters.length
      ? `Codeflow reads these clusters: ${knownClusters.join(', ')}.`
      : 'Codeflow is not reading any clusters right now.';
  } else if (knownClusters) {
    title = `Service "${service}" was not found in cluster "${cluster}"`;
    detail = 'It may have been deleted or renamed, or it runs in a different cluster.';
  } else {
    title = `Service "${service}" in cluster "${cluster}" was not found`;
    detail = 'Either the cluster or the service does not exist.';
  }
  return <NotFoundPanel title={title} detail={detail} />;
}

import { NotFoundPanel } from '@/components/layout/not-found-panel';

export default function IncidentNotFound() {
  return <NotFoundPanel title="No such incident" detail="Incidents are named by their number, as in /incidents/2 for #2. It may be mistyped; the incidents page lists them all." />;
}

import { NotFoundPanel } from '@/components/layout/not-found-panel';

export default function OperationNotFound() {
  return <NotFoundPanel title="No such operation" detail="The link may be mistyped or from another Codeflow; the operations page lists them all." />;
}

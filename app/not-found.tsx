import { NotFoundPanel } from '@/components/layout/not-found-panel';

export default function NotFound() {
  return (
    <main className="px-6 py-5">
      <NotFoundPanel title="This page does not exist" detail="The address may be mistyped, or the page has moved." />
    </main>
  );
}

import { ForbiddenPanel } from '@/components/layout/forbidden-panel';
import { currentPageRefusal, getCurrentUser } from '@/lib/auth/session';

/**
 * The 403 page: rendered when authorizePage refuses (Next.js's forbidden()). Next.js renders this
 * alongside the page, so it waits for the same user lookup the page makes and then one turn of the
 * event loop, by which time the page has recorded what it refused and why.
 */
export default async function Forbidden() {
  const user = await getCurrentUser().catch(() => null);
  await new Promise((resolve) => setImmediate(resolve));
  const refusal = currentPageRefusal();
  return (
    <main className="mx-auto max-w-[1600px] px-6 py-5">
      <ForbiddenPanel title="You may not open this page" action={refusal?.action} role={refusal?.role ?? user?.role} />
    </main>
  );
}

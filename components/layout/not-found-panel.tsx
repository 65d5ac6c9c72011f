import Link from 'next/link';
import { buttonClass } from '@/components/ui/error-panel';

export function NotFoundPanel({ title, detail }: { title: string; detail: string }) {
  return (
    <div data-testid="not-found" className="mx-auto mt-16 max-w-xl rounded-md border border-border bg-surface px-6 py-8 text-center">
      <p className="font-mono text-xs font-medium text-fg-subtle">404</p>
      <h1 className="mt-2 text-lg font-semibold tracking-tight">{title}</h1>
      <p className="mt-2 text-[13px] text-fg-muted">{detail}</p>
      <Link href="/" className={`${buttonClass} mt-5`}>
        ← Back to the overview
      </Link>
    </div>
  );
}

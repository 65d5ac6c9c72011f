'use client';

import { useEffect } from 'react';
import { buttonClass } from '@/components/ui/error-panel';

/** Server errors arrive here without their message (Next redacts it); the digest ties to the server log. */
export default function ErrorPage({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <main className="px-6 py-5">
      <div role="alert" className="mx-auto mt-16 max-w-xl rounded-md border border-border bg-surface px-6 py-8 text-center">
        <h1 className="text-lg font-semibold tracking-tight">Something went wrong on our side</h1>
        <p className="mt-2 text-[13px] text-fg-muted">
          This page could not be shown. Trying again usually helps if AWS was briefly slow or throttling.
        </p>
        {error.digest && <p className="mt-2 font-mono text-xs text-fg-subtle">ref {error.digest}</p>}
        <div className="mt-5 flex justify-center gap-2">
          <button type="button" onClick={() => retry()} className={buttonClass}>
            Try again
          </button>
          <a href="/" className={buttonClass}>
            Go to the overview
          </a>
        </div>
      </div>
    </main>
  );
}

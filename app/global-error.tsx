'use client';

import './globals.css';

/** Replaces the root layout when it fails itself (e.g. invalid configuration). */
export default function GlobalError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-bg px-6 py-5 text-fg">
        <div role="alert" className="mx-auto mt-16 max-w-xl rounded-md border border-border bg-surface px-6 py-8 text-center">
          <h1 className="text-lg font-semibold tracking-tight">Codeflow could not start this page</h1>
          <p className="mt-2 text-[13px] text-fg-muted">The server log has the details{error.digest ? ` under ref ${error.digest}` : ''}.</p>
          <button
            type="button"
            onClick={() => retry()}
            className="mt-5 inline-flex h-8 items-center rounded-md border border-border bg-surface px-3 text-[13px] font-medium hover:bg-surface-2"
          >
            Try again
          </button>
        </div>
      </body>
    </html>
  );
}

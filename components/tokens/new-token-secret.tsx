'use client';

import { CopyButton } from '@/components/ui/copy-button';

/** The secret of a token just created: shown this once, since Codeflow keeps only its hash. */
export function NewTokenSecret({ name, secret, onDismiss }: { name: string; secret: string; onDismiss: () => void }) {
  return (
    <section data-testid="new-token" aria-labelledby="new-token-title" className="rounded-md border border-degraded-border bg-degraded-bg px-4 py-3">
      <h2 id="new-token-title" className="text-[13px] font-semibold text-fg">
        Token “{name}” created
      </h2>
      <p className="mt-0.5 text-[13px] text-degraded-fg">
        Copy it now. Codeflow stores only a hash of it and will not show it again; if it is lost, revoke it and create another.
      </p>
      <div className="mt-3 flex items-center gap-2">
        <input
          readOnly
          aria-label="New token secret"
          data-testid="new-token-secret"
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          className="h-8 min-w-0 flex-1 rounded-md border border-border bg-surface px-2 font-mono text-[12px] text-fg"
        />
        <CopyButton text={secret} testId="copy-token" />
        <button type="button" data-testid="dismiss-new-token" onClick={onDismiss} className="h-8 rounded-md px-2 text-[13px] text-fg-muted hover:bg-surface-2 hover:text-fg">
          I have saved it
        </button>
      </div>
      <p className="mt-2 text-xs text-fg-muted">
        Use it as <code className="font-mono text-[11px] text-fg">Authorization: Bearer …</code> with the API or the CLI.
      </p>
    </section>
  );
}

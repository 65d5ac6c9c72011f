import type { ReactNode } from 'react';

/** A failure the user can act on: what happened, and a way to try again. */
export function ErrorPanel({ title, message, action }: { title: string; message: string; action?: ReactNode }) {
  return (
    <div role="alert" className="rounded-md border border-down-border bg-down-bg px-4 py-3">
      <p className="font-medium text-down-fg">{title}</p>
      <p className="mt-1 text-[13px] text-fg-muted">{message}</p>
      {action && <div className="mt-3">{action}</div>}
    </div>
  );
}

export const buttonClass =
  'inline-flex h-8 items-center gap-1.5 rounded-md border border-border bg-surface px-3 text-[13px] font-medium text-fg hover:border-border-strong hover:bg-surface-2';

/** Inputs and selects in filter bars and forms: 32 px high, like buttons. */
export const controlClass =
  'h-8 rounded-md border border-border bg-surface px-2 text-[13px] text-fg placeholder:text-fg-subtle hover:border-border-strong focus-visible:border-focus disabled:opacity-60';

export const primaryButtonClass =
  'inline-flex h-8 items-center gap-1.5 rounded-md bg-fg px-3 text-[13px] font-medium text-bg hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-50';

export const dangerButtonClass =
  'inline-flex h-8 items-center gap-1.5 rounded-md border border-down-border bg-down-bg px-3 text-[13px] font-medium text-down-fg hover:border-down-solid disabled:cursor-not-allowed disabled:opacity-50';

/** Small row actions inside tables. */
export const smallButtonClass =
  'inline-flex h-6 items-center gap-1 whitespace-nowrap rounded border border-border bg-surface px-2 text-xs text-fg-muted hover:border-border-strong hover:text-fg disabled:cursor-not-allowed disabled:opacity-50';

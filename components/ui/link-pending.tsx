'use client';

import { useLinkStatus } from 'next/link';

/** Placed inside a <Link>: a small spinner while the page it points to is loading. */
export function LinkPending() {
  const { pending } = useLinkStatus();
  if (!pending) return null;
  return (
    <span
      role="status"
      aria-label="Loading"
      className="ml-1.5 inline-block size-3 animate-spin rounded-full border-[1.5px] border-fg-subtle border-t-transparent align-[-1px]"
    />
  );
}

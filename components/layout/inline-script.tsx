'use client';

/**
 * A script that runs while the HTML is parsed (hard navigations only). On the client it renders
 * as inert text/plain, which keeps React from warning about script tags it would never execute.
 */
export function InlineScript({ html }: { html: string }) {
  return (
    <script
      type={typeof window === 'undefined' ? 'text/javascript' : 'text/plain'}
      suppressHydrationWarning
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

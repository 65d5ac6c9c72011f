'use client';

/**
 * A script that runs while the HTML is parsed (hard navigations only). On the client it renders
 * as inert text/plain, which keeps React from warning about script tags it would never execute.
 * `nonce` is the request's CSP nonce (proxy.ts): without it the Content-Security-Policy blocks the script.
 */
export function InlineScript({ html, nonce }: { html: string; nonce?: string }) {
  return (
    <script
      nonce={nonce}
      type={typeof window === 'undefined' ? 'text/javascript' : 'text/plain'}
      suppressHydrationWarning
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import type { ProcessChainVerification } from '@/lib/audit/anchoring';
import { fetchJson } from '@/lib/api/fetch-json';
import { buttonClass } from '@/components/ui/error-panel';

/** Recomputes every entry's keyed hash on the server, compares the chain with its anchors outside the database, and says whether it still holds. */
export function VerifyChain() {
  const verify = useMutation({ mutationFn: () => fetchJson<ProcessChainVerification>('/api/audit/verify') });
  const result = verify.data;
  return (
    <div className="flex items-center gap-3">
      {verify.isError && (
        <span role="alert" data-testid="verify-result" data-ok="error" className="text-xs text-down-fg">
          Could not verify: {verify.error.message}
        </span>
      )}
      {result && !verify.isPending && (
        <span role="status" data-testid="verify-result" data-ok={result.ok} className={result.ok ? 'text-xs text-healthy-fg' : 'text-xs font-medium text-down-fg'}>
          {result.ok ? (
            <>
              ✓ Chain intact: {result.checked.toLocaleString('en-US')} {result.checked === 1 ? 'entry' : 'entries'} checked
              {result.anchors.latestSeq !== null && <>, anchored outside the database up to #{result.anchors.latestSeq}</>}
              {result.legacy > 0 && <> (#1–#{result.legacy} predate the audit key and are vouched for by the anchors)</>}
            </>
          ) : (
            <>
              ✕ Chain broken at entry #{result.firstBroken.seq}: {result.firstBroken.reason} ({result.checked.toLocaleString('en-US')} entries before it are intact)
            </>
          )}
        </span>
      )}
      <button type="button" data-testid="verify-chain" className={buttonClass} disabled={verify.isPending} onClick={() => verify.mutate()}>
        <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.5">
          <path d="M8 1.75 2.75 3.9v3.6c0 3.1 2.2 5.6 5.25 6.75 3.05-1.15 5.25-3.65 5.25-6.75V3.9L8 1.75Z" strokeLinejoin="round" />
          <path d="m5.75 8 1.6 1.6 3-3.2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {verify.isPending ? 'Verifying…' : 'Verify chain'}
      </button>
    </div>
  );
}

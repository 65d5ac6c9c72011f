'use client';

import { useQuery } from '@tanstack/react-query';
import { RelativeTime } from '@/components/ui/relative-time';
import { readOnlyQuery } from './ops-api';

/** Says so when an admin has made Codeflow read-only; every action button is disabled meanwhile. */
export function ReadOnlyBanner() {
  const { data } = useQuery(readOnlyQuery());
  if (!data?.readOnly) return null;
  return (
    <p role="status" data-testid="read-only-banner" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-2 text-[13px] text-degraded-fg">
      <strong className="font-semibold">Codeflow is read-only</strong>
      {data.reason ? `: ${data.reason}` : ''}. Nothing is changed in AWS: no deploy, rollback, scale, traffic switch or finding archive
      {data.setBy && (
        <>
          {' '}
          — set by {data.setBy}
          {data.setAt && (
            <>
              , <RelativeTime iso={data.setAt} />
            </>
          )}
        </>
      )}
      .
    </p>
  );
}

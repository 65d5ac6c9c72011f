'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sendJson } from '@/lib/api/fetch-json';
import type { Finding } from '@/lib/aws/findings-types';
import type { ArchiveResult } from '@/lib/telemetry/findings';
import { ReasonPrompt } from '@/components/ui/reason-prompt';
import { buttonClass } from '@/components/ui/error-panel';
import { readOnlyQuery } from '@/components/ops/ops-api';

/**
 * Archive or unarchive one finding, with a reason for the audit log. Shown only to those the
 * server said may (findings.archive); the API checks again. While Codeflow is read-only (the kill
 * switch covers every write to AWS) the button is disabled and says why; the API refuses with 403.
 */
export function ArchiveControl({ finding, onArchivedChange }: { finding: Finding & { place?: { account: string; region: string } }; onArchivedChange: (archived: boolean) => void }) {
  const queryClient = useQueryClient();
  const [prompting, setPrompting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const archive = !finding.archived;
  const verb = archive ? 'Archive' : 'Unarchive';
  const readOnly = useQuery(readOnlyQuery()).data;
  const readOnlyReason = readOnly?.readOnly ? (readOnly.reason ?? 'an admin turned on read-only mode') : null;

  const change = useMutation({
    mutationFn: (reason: string) => sendJson<ArchiveResult>('/api/findings/archive', 'POST', { ids: [finding.id], archived: archive, reason, ...finding.place }),
    onSuccess: (result) => {
      setPrompting(false);
      onArchivedChange(result.archived);
      setNotice(
        result.archived
          ? 'Archived. It no longer shows among open findings; the reason is in the audit log.'
          : 'Unarchived. It shows among open findings again; the reason is in the audit log.',
      );
      void queryClient.invalidateQueries({ queryKey: ['findings'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });

  return (
    <div className="flex flex-col gap-2">
      {prompting && !readOnlyReason ? (
        <ReasonPrompt
          testId="archive-prompt"
          summary={
            archive ? (
              <>
                Archive this finding? It leaves the open list; GuardDuty keeps updating it, and it can be unarchived.
              </>
            ) : (
              <>Unarchive this finding? It returns to the open list.</>
            )
          }
          confirmLabel={verb}
          pending={change.isPending}
          error={change.isError ? change.error.message : null}
          onConfirm={(reason) => change.mutate(reason)}
          onCancel={() => {
            setPrompting(false);
            change.reset();
          }}
        />
      ) : (
        <div>
          <button
            type="button"
            data-testid="archive-button"
            data-archive={archive}
            disabled={readOnlyReason !== null}
            aria-describedby={readOnlyReason ? 'archive-read-only' : undefined}
            title={readOnlyReason ? `Codeflow is read-only: ${readOnlyReason}` : undefined}
            className={`${buttonClass} disabled:cursor-not-allowed disabled:opacity-50`}
            onClick={() => {
              setNotice(null);
              change.reset();
              setPrompting(true);
            }}
          >
            {verb}
          </button>
          {readOnlyReason && (
            <p id="archive-read-only" data-testid="archive-read-only" className="mt-1.5 text-[12px] text-degraded-fg">
              Codeflow is read-only: {readOnlyReason}. Findings cannot be archived or unarchived until an admin turns it off.
            </p>
          )}
        </div>
      )}
      {notice && (
        <p role="status" data-testid="archive-result" className="text-[13px] text-healthy-fg">
          {notice}
        </p>
      )}
    </div>
  );
}

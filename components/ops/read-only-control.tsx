'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { ReasonPrompt } from '@/components/ui/reason-prompt';
import { RelativeTime } from '@/components/ui/relative-time';
import { buttonClass } from '@/components/ui/error-panel';
import { dangerButtonClass } from '@/components/ui/controls';
import { readOnlyQuery, setReadOnly } from './ops-api';

/** The admins' kill switch: make Codeflow read-only (no guarded action can start) and back. */
export function ReadOnlyControl() {
  const queryClient = useQueryClient();
  const query = useQuery(readOnlyQuery());
  const [prompting, setPrompting] = useState(false);
  const setting = query.data;
  const change = useMutation({
    mutationFn: (body: { readOnly: boolean; reason: string }) => setReadOnly(body),
    onSuccess: (next) => {
      setPrompting(false);
      queryClient.setQueryData(readOnlyQuery().queryKey, next);
      void queryClient.invalidateQueries({ queryKey: ['settings', 'read-only'] });
    },
  });
  const on = setting?.readOnly ?? false;
  return (
    <Card data-testid="read-only-control" data-read-only={on}>
      <CardHeader title="Read-only mode" meta="admins only · audited" />
      <div className="flex flex-col gap-2 px-4 py-3 text-[13px]">
        {setting === undefined ? (
          <p className="text-fg-subtle">{query.isError ? `Could not read the setting: ${query.error.message}` : 'Reading…'}</p>
        ) : prompting ? (
          <ReasonPrompt
            testId="read-only-prompt"
            summary={on ? 'Allow guarded actions again?' : 'Make Codeflow read-only? No deploy, rollback, scale or traffic switch can start until an admin turns this off; running operations keep verifying.'}
            confirmLabel={on ? 'Turn off read-only' : 'Turn on read-only'}
            danger={!on}
            pending={change.isPending}
            error={change.isError ? change.error.message : null}
            onConfirm={(reason) => change.mutate({ readOnly: !on, reason })}
            onCancel={() => {
              setPrompting(false);
              change.reset();
            }}
          />
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <p className="text-fg-muted">
              {on ? (
                <>
                  <strong className="font-semibold text-degraded-fg">On</strong>
                  {setting.reason ? ` — ${setting.reason}` : ''}
                </>
              ) : (
                <>
                  <strong className="font-semibold text-fg">Off</strong> — operators may start guarded actions.
                </>
              )}
              {setting.setBy && (
                <span className="text-fg-subtle">
                  {' '}
                  (last changed by {setting.setBy}
                  {setting.setAt && (
                    <>
                      , <RelativeTime iso={setting.setAt} />
                    </>
                  )}
                  )
                </span>
              )}
            </p>
            <button type="button" data-testid="read-only-toggle" onClick={() => setPrompting(true)} className={on ? buttonClass : dangerButtonClass}>
              {on ? 'Turn off…' : 'Make read-only…'}
            </button>
          </div>
        )}
      </div>
    </Card>
  );
}

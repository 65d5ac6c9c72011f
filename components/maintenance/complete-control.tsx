'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sendJson } from '@/lib/api/fetch-json';
import type { CompleteTaskResult } from '@/lib/maintenance/checklist';
import { controlClass, primaryButtonClass, smallButtonClass } from '@/components/ui/controls';

/**
 * "Mark done" with an optional note and, for work done earlier, when. Shown only to those the
 * server said may (maintenance.complete); the API checks again and audits it.
 */
export function CompleteControl({ taskId, title }: { taskId: string; title: string }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [earlier, setEarlier] = useState('');

  const complete = useMutation({
    mutationFn: () =>
      sendJson<CompleteTaskResult>(`/api/maintenance/${encodeURIComponent(taskId)}/complete`, 'POST', {
        note: note.trim() || undefined,
        // datetime-local is the browser's local time; the API takes an instant.
        doneAt: earlier ? new Date(earlier).toISOString() : undefined,
      }),
    onSuccess: () => {
      setOpen(false);
      setNote('');
      setEarlier('');
      void queryClient.invalidateQueries({ queryKey: ['maintenance'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });

  if (!open) {
    return (
      <button type="button" data-testid="mark-done" className={smallButtonClass} onClick={() => { complete.reset(); setOpen(true); }}>
        Mark done
      </button>
    );
  }
  return (
    <form
      data-testid="complete-form"
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate();
      }}
    >
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Note (optional)
        <textarea aria-label={`Note for ${title}`} data-testid="complete-note" className={`${controlClass} h-14 py-1`} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Done earlier? (leave empty for now)
        <input type="datetime-local" aria-label="Done at" className={controlClass} value={earlier} onChange={(e) => setEarlier(e.target.value)} />
      </label>
      {complete.isError && (
        <p role="alert" className="text-xs text-down-fg">
          {complete.error.message}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" data-testid="complete-confirm" className={primaryButtonClass} disabled={complete.isPending}>
          {complete.isPending ? 'Recording…' : 'Record as done'}
        </button>
        <button type="button" className={smallButtonClass} onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

'use client';

import { useState, type ReactNode } from 'react';
import { buttonClass } from './error-panel';
import { controlClass, dangerButtonClass, primaryButtonClass } from './controls';
import { cn } from './cn';

/**
 * Asks why before a consequential change; the reason goes into the audit log. Enter confirms,
 * Escape cancels. The server validates the reason again (3–500 characters).
 */
export function ReasonPrompt({
  summary,
  confirmLabel,
  pending,
  danger,
  error,
  onConfirm,
  onCancel,
  testId,
}: {
  summary: ReactNode;
  confirmLabel: string;
  pending: boolean;
  danger?: boolean;
  error?: string | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  testId?: string;
}) {
  const [reason, setReason] = useState('');
  const valid = reason.trim().length >= 3;
  return (
    <form
      data-testid={testId}
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onConfirm(reason.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <p className="text-[13px] text-fg">{summary}</p>
      <div className="flex items-center gap-2">
        <input
          autoFocus
          data-testid="reason-input"
          aria-label="Reason (recorded in the audit log)"
          placeholder="Reason, recorded in the audit log (e.g. ticket or incident id)"
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className={cn(controlClass, 'min-w-0 max-w-xl flex-1')}
        />
        <button type="submit" data-testid="reason-confirm" disabled={!valid || pending} className={danger ? dangerButtonClass : primaryButtonClass}>
          {pending ? 'Working…' : confirmLabel}
        </button>
        <button type="button" data-testid="reason-cancel" disabled={pending} onClick={onCancel} className={buttonClass}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" data-testid="reason-error" className="text-[13px] text-down-fg">
          {error}
        </p>
      )}
    </form>
  );
}

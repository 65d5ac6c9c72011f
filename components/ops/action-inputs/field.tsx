import { useId, type ReactNode } from 'react';
import type { DialogField } from '../action-dialog-state';

/**
 * A labelled control with its message beneath it. The control gets its id, and, while there is a
 * message, `aria-invalid` and `aria-describedby` naming the message, so the two read as one.
 */
export function Field({
  label,
  field,
  message,
  children,
}: {
  label: ReactNode;
  /** The request field this control fills; set on the message as data-field. */
  field?: DialogField;
  message?: string | null;
  children: (control: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-xs text-fg-muted">
        {label}
      </label>
      {children(message ? { id, 'aria-invalid': true, 'aria-describedby': messageId } : { id })}
      {message && (
        <p id={messageId} data-testid="op-input-error" data-field={field} className="text-xs text-down-fg">
          {message}
        </p>
      )}
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { commandersQuery } from './queries';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

/** People who may command an incident (responder and up), or nobody yet. */
export function CommanderSelect({
  value,
  onChange,
  disabled,
  className,
  currentName,
}: {
  value: string | null;
  onChange: (userId: string | null) => void;
  disabled?: boolean;
  className?: string;
  /** Shown while the list loads, or when the commander is no longer in it. */
  currentName?: string | null;
}) {
  const users = useQuery(commandersQuery());
  const list = users.data?.users ?? [];
  const missing = value !== null && !list.some((u) => u.id === value);
  return (
    <select
      aria-label="Incident commander"
      data-testid="commander-select"
      disabled={disabled}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || null)}
      className={cn(controlClass, className)}
    >
      <option value="">{users.isError ? 'Could not load people' : 'No commander yet'}</option>
      {missing && <option value={value}>{currentName ?? 'Current commander'}</option>}
      {list.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name ?? u.id}
        </option>
      ))}
    </select>
  );
}

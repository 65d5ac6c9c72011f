'use client';

import { useEffect, useRef, useState } from 'react';
import { controlClass } from './controls';
import { cn } from './cn';

const DEBOUNCE_MS = 300;

/**
 * A filter bar's free-text field. Typing stays local and smooth; the URL (and the server query)
 * follows after a pause — or at once on Enter — once the value is valid. An invalid value is
 * marked and explained, and never sent. `options` become the field's suggestions.
 */
export function TextFilter({
  id,
  testId,
  label,
  placeholder,
  value,
  valid = () => true,
  invalidHint,
  options = [],
  mono,
  className = 'w-48',
  onCommit,
}: {
  id: string;
  testId: string;
  label: string;
  placeholder: string;
  value: string | undefined;
  valid?: (value: string) => boolean;
  invalidHint?: string;
  options?: readonly string[];
  mono?: boolean;
  className?: string;
  onCommit: (value: string | undefined) => void;
}) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  // The parent passes a new callback each render; the pending commit must not restart because of it.
  const commit = useRef(onCommit);
  useEffect(() => {
    commit.current = onCommit;
  });
  const trimmed = text.trim();
  const invalid = trimmed !== '' && !valid(trimmed);
  useEffect(() => {
    if (trimmed === (value ?? '') || invalid) return;
    const timer = setTimeout(() => commit.current(trimmed || undefined), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [trimmed, value, invalid]);

  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        data-testid={testId}
        type="search"
        value={text}
        list={options.length > 0 ? `${id}-options` : undefined}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={invalid || undefined}
        title={invalid ? invalidHint : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !invalid) commit.current(trimmed || undefined);
        }}
        className={cn(controlClass, className, mono && 'font-mono text-[12px]', invalid && 'border-down-border text-down-fg')}
      />
      {options.length > 0 && (
        <datalist id={`${id}-options`}>
          {options.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      )}
    </>
  );
}

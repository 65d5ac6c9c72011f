'use client';

import type { InputHTMLAttributes } from 'react';
import { cn } from './cn';
import { controlClass } from './controls';
import { UTC_INPUT } from './time-format';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  /** `YYYY-MM-DDTHH:MM[:SS]` in UTC, the value a `datetime-local` input would hold; '' when empty. */
  value: string;
  onChange: (value: string) => void;
  /** Whether the format asks for seconds (the placeholder says so). */
  seconds?: boolean;
};

/**
 * A UTC date and time typed as "2026-12-07 02:10", 24-hour. Not `datetime-local`: the browser draws
 * that in its own locale (12-hour AM/PM in en-US) and its own time zone's habits, while every time
 * in the console is 24-hour UTC. Whatever is typed goes to `onChange` with the space turned into
 * the `T` of the ISO form; the caller validates it (see `fromUtcLocalInput`).
 */
export function UtcDateTimeInput({ value, onChange, seconds = false, className, ...rest }: Props) {
  const shown = value.replace('T', ' ');
  const valid = value === '' || UTC_INPUT.test(value);
  return (
    <input
      type="text"
      inputMode="text"
      autoComplete="off"
      spellCheck={false}
      placeholder={seconds ? 'YYYY-MM-DD HH:MM:SS' : 'YYYY-MM-DD HH:MM'}
      size={seconds ? 19 : 16}
      aria-invalid={valid ? undefined : true}
      {...rest}
      value={shown}
      onChange={(e) => onChange(e.target.value.trim().replace(/\s+/, 'T'))}
      className={cn(controlClass, 'font-mono tabular-nums', !valid && 'border-down-border', className)}
    />
  );
}

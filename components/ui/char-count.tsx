/**
 * "37 / 200" under a field with a limit, so nothing is cut silently: amber from 90 %, red at the
 * limit (the input's maxLength stops typing there; a paste longer than that is cut and this says so).
 */
export function CharCount({ length, max, id, testId }: { length: number; max: number; id?: string; testId?: string }) {
  const tone = length >= max ? 'text-down-fg' : length >= max * 0.9 ? 'text-degraded-fg' : 'text-fg-subtle';
  return (
    <span id={id} data-testid={testId} aria-live="polite" className={`ml-auto shrink-0 text-[11px] font-normal tabular-nums ${tone}`}>
      {length} / {max}
      {length >= max && ' — at the limit'}
    </span>
  );
}

import { cn } from './cn';

/** One line, cut with an ellipsis; the full text is in the tooltip. */
export function Truncate({ text, mono, className }: { text: string; mono?: boolean; className?: string }) {
  return (
    <span title={text} className={cn('block min-w-0 truncate', mono && 'font-mono text-[12px]', className)}>
      {text}
    </span>
  );
}

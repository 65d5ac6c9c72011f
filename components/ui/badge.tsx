import type { ReactNode } from 'react';
import { cn } from './cn';

export type Tone = 'healthy' | 'degraded' | 'down' | 'deploying' | 'unknown' | 'neutral';

const toneClasses: Record<Tone, string> = {
  healthy: 'text-healthy-fg bg-healthy-bg border-healthy-border',
  degraded: 'text-degraded-fg bg-degraded-bg border-degraded-border',
  down: 'text-down-fg bg-down-bg border-down-border',
  deploying: 'text-deploying-fg bg-deploying-bg border-deploying-border',
  unknown: 'text-unknown-fg bg-unknown-bg border-unknown-border',
  neutral: 'text-fg-muted bg-surface-2 border-border',
};

export function Badge({ tone = 'neutral', className, children, title }: { tone?: Tone; className?: string; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={cn(
        'inline-flex h-5 items-center gap-1 whitespace-nowrap rounded-[4px] border px-1.5 text-[11px] font-medium leading-none',
        toneClasses[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

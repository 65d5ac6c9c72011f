import type { HTMLAttributes, ReactNode } from 'react';
import { cn } from './cn';

export function Card({ className, children, ...rest }: { className?: string; children: ReactNode } & HTMLAttributes<HTMLElement>) {
  return (
    <section className={cn('rounded-md border border-border bg-surface', className)} {...rest}>
      {children}
    </section>
  );
}

export function CardHeader({ title, meta, actions }: { title: ReactNode; meta?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="flex min-h-10 items-center gap-3 border-b border-border px-4 py-2">
      <h2 className="text-[13px] font-semibold text-fg">{title}</h2>
      {meta && <div className="text-xs text-fg-subtle">{meta}</div>}
      {actions && <div className="ml-auto flex items-center gap-2">{actions}</div>}
    </header>
  );
}

export function CardBody({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cn('px-4 py-3', className)}>{children}</div>;
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="px-4 py-6 text-center text-[13px] text-fg-subtle">{children}</p>;
}

import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes, HTMLAttributes } from 'react';
import { cn } from './cn';

export function Table({ className, children }: { className?: string; children: ReactNode }) {
  return <table className={cn('w-full table-fixed border-collapse text-left text-[13px]', className)}>{children}</table>;
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-surface-2 text-[11px] font-medium uppercase tracking-wide text-fg-subtle">
      {children}
    </thead>
  );
}

export function Th({ className, ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th className={cn('h-8 border-b border-border px-3 font-medium first:pl-4 last:pr-4', className)} {...rest} />;
}

export function Tr({ className, ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cn('border-b border-border last:border-b-0', className)} {...rest} />;
}

export function Td({ className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn('px-3 py-2 align-top first:pl-4 last:pr-4', className)} {...rest} />;
}

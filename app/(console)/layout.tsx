import type { ReactNode } from 'react';

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <main className="mx-auto max-w-[1600px] px-6 py-5">{children}</main>;
}

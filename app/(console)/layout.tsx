import type { ReactNode } from 'react';

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <main className="mx-auto max-w-[1600px] px-4 py-5 sm:px-6">{children}</main>;
}

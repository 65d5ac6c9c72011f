'use client';

import { useEffect, useId, useState, type ReactNode } from 'react';
import { usePathname } from 'next/navigation';
import { NavLinks } from './nav-links';

/**
 * Below 1280 px the header has no room for the sections: a Menu button opens them as a panel under
 * the header (with whatever else the header hides at that width). Closes on navigation and on Esc.
 */
export function MobileMenu({ allowed, children }: { allowed: readonly string[]; children?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const id = useId();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <div className="xl:hidden">
      <button
        type="button"
        data-testid="menu-button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex h-7 items-center gap-1.5 rounded border border-border px-2 text-xs font-medium text-fg-muted hover:bg-surface-2 hover:text-fg"
      >
        <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round">
          {open ? <path d="M4 4l8 8M12 4l-8 8" /> : <path d="M2.5 4.5h11M2.5 8h11M2.5 11.5h11" />}
        </svg>
        Menu
      </button>
      {open && (
        <div id={id} data-testid="menu-panel" className="absolute inset-x-0 top-full border-b border-border bg-surface px-4 py-3 shadow-lg sm:px-6">
          <NavLinks allowed={allowed} variant="menu" onNavigate={() => setOpen(false)} />
          {children && <div className="mt-3 flex flex-wrap items-center gap-3 border-t border-border pt-3 text-[13px]">{children}</div>}
        </div>
      )}
    </div>
  );
}

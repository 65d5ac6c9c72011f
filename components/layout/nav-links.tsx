'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { NAV_ITEMS, type NavItem } from './nav-items';

function isActive(item: NavItem, pathname: string): boolean {
  if (pathname === item.href) return true;
  return item.matches?.some((prefix) => pathname.startsWith(prefix)) ?? false;
}

/**
 * The sections a user may open. `bar`: one line in the header (wide screens only: the links never
 * wrap, and the header is laid out so the admin's twelve fit at 1280 px). `menu`: the narrow-screen
 * menu's grid of the same links.
 */
export function NavLinks({ allowed, variant = 'bar', onNavigate }: { allowed: readonly string[]; variant?: 'bar' | 'menu'; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav
      aria-label={variant === 'bar' ? 'Main' : 'Menu'}
      className={variant === 'bar' ? 'flex min-w-0 items-center gap-0.5' : 'grid grid-cols-2 gap-1 sm:grid-cols-3'}
    >
      {NAV_ITEMS.filter((item) => allowed.includes(item.href)).map((item) => {
        const active = isActive(item, pathname);
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={active ? 'page' : undefined}
            className={cn(
              'whitespace-nowrap rounded text-[13px] transition-colors',
              variant === 'bar' ? 'px-2 py-1' : 'px-3 py-2',
              active ? 'bg-surface-2 font-medium text-fg' : 'text-fg-muted hover:bg-surface-2 hover:text-fg',
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { NAV_ITEMS, type NavItem } from './nav-items';

function isActive(item: NavItem, pathname: string): boolean {
  if (pathname === item.href) return true;
  return item.matches?.some((prefix) => pathname.startsWith(prefix)) ?? false;
}

export function NavLinks({ allowed }: { allowed: readonly string[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex items-center gap-1">
      {NAV_ITEMS.filter((item) => allowed.includes(item.href)).map((item) => {
        const active = isActive(item, pathname);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={cn(
              'rounded px-2.5 py-1 text-[13px] transition-colors',
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

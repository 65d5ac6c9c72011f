import Link from 'next/link';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { can } from '@/lib/auth/can';
import type { CurrentUser } from '@/lib/auth/identity';
import { MobileMenu } from './mobile-menu';
import { NAV_ITEMS } from './nav-items';
import { NavLinks } from './nav-links';
import { ThemeToggle } from './theme-toggle';
import { Suspense } from 'react';
import type { PlaceOption } from '@/lib/accounts/places';
import { PlaceSwitcher } from '@/components/places/place-switcher';

/**
 * One line at every width, never wider than the window: from 1280 px the sections sit in the bar
 * (the region and the user's name join them from 1536 px); below that they move into the Menu panel.
 * Who is signed in (role) and Sign out stay in the bar at every width.
 */
export function TopBar({ region, sandbox, user, places = [] }: { region: string; sandbox: boolean; user: CurrentUser | null; places?: PlaceOption[] }) {
  const allowed = NAV_ITEMS.filter((item) => can(user, item.action)).map((item) => item.href);
  const regionBadge = (
    <span
      title={sandbox ? 'AWS region (simulated by the sandbox)' : 'AWS region'}
      className="whitespace-nowrap rounded border border-border px-1.5 py-0.5 font-mono text-[11px] text-fg-muted"
    >
      {region}
    </span>
  );
  return (
    <header className="sticky top-0 z-20 border-b border-border bg-surface/90 backdrop-blur">
      <div className="relative mx-auto flex h-12 max-w-[1600px] items-center gap-3 px-4 sm:px-6 xl:gap-4">
        <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold tracking-tight text-fg">
          <Logo />
          Codeflow
        </Link>
        {user && (
          <div className="hidden min-w-0 xl:block">
            <NavLinks allowed={allowed} />
          </div>
        )}
        <div className="ml-auto flex shrink-0 items-center gap-2">
          {user && places.length > 1 ? (
            // Several accounts or Regions: what the pages show, and the switcher (press A).
            <Suspense fallback={null}>
              <PlaceSwitcher places={places} />
            </Suspense>
          ) : (
            <span className="hidden 2xl:inline">{regionBadge}</span>
          )}
          <span className="hidden sm:inline-flex">
            <ThemeToggle compact />
          </span>
          {user && (
            <span className="flex items-center gap-2 text-[13px]" data-testid="current-user" data-role={user.role} title={`Signed in as ${user.name} (${user.role})`}>
              <span className="hidden whitespace-nowrap text-fg 2xl:inline">{user.name}</span>
              <span className="rounded-full border border-border px-2 py-0.5 text-[11px] font-medium text-fg-muted" title="Your Codeflow role">
                {user.role}
              </span>
              <SignOutButton />
            </span>
          )}
          {user && (
            <MobileMenu allowed={allowed}>
              <span className="text-fg">{user.name}</span>
              {regionBadge}
              <span className="sm:hidden">
                <ThemeToggle />
              </span>
            </MobileMenu>
          )}
        </div>
      </div>
    </header>
  );
}

function Logo() {
  return (
    <svg aria-hidden viewBox="0 0 20 20" className="size-5">
      <rect width="20" height="20" rx="5" className="fill-fg" />
      <path d="M6 7l3 3-3 3M10.5 13H14" fill="none" strokeWidth="1.75" strokeLinecap="round" strokeLinejoin="round" className="stroke-bg" />
    </svg>
  );
}

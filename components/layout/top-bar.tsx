import Link from 'next/link';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { can } from '@/lib/auth/can';
import type { CurrentUser } from '@/lib/auth/identity';
import { NAV_ITEMS } from './nav-items';
import { NavLinks } from './nav-links';
import { ThemeToggle } from './theme-toggle';

export function TopBar({ region, sandbox, user }: { region: string; sandbox: boolean; user: CurrentUser | null }) {
  const allowed = NAV_ITEMS.filter((item) => can(user, item.action)).map((item) => item.href);
  return (
    <header className="sticky top-0 z-20 border-b border-border bg-surface/90 backdrop-blur">
      <div className="mx-auto flex h-12 max-w-[1600px] items-center gap-6 px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-fg">
          <Logo />
          Codeflow
        </Link>
        {user && <NavLinks allowed={allowed} />}
        <div className="ml-auto flex items-center gap-3">
          <span
            title={sandbox ? 'AWS region (simulated by the sandbox)' : 'AWS region'}
            className="rounded border border-border px-1.5 py-0.5 font-mono text-[11px] text-fg-muted"
          >
            {region}
          </span>
          <ThemeToggle />
          {user && (
            <span className="flex items-center gap-2 text-[13px]" data-testid="current-user" data-role={user.role}>
              <span className="text-fg">{user.name}</span>
              <span className="rounded-full border border-border px-2 py-0.5 text-[11px] font-medium text-fg-muted" title="Your Codeflow role">
                {user.role}
              </span>
              <SignOutButton />
            </span>
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

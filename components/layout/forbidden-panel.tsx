import Link from 'next/link';
import { minimumRole, type Action } from '@/lib/auth/can';
import type { Role } from '@/lib/auth/roles';
import { buttonClass } from '@/components/ui/error-panel';

/**
 * What a page shows someone whose role may not see it: the page decides this on the server and
 * answers 403 (app/forbidden.tsx). Without the action (the refusal was not recorded), it says less.
 */
export function ForbiddenPanel({ title, action, role }: { title: string; action?: Action; role?: Role }) {
  return (
    <div data-testid="forbidden" data-action={action} className="mx-auto mt-16 max-w-xl rounded-md border border-border bg-surface px-6 py-8 text-center">
      <p className="font-mono text-xs font-medium text-fg-subtle">403</p>
      <h1 className="mt-2 text-lg font-semibold tracking-tight">{title}</h1>
      <p className="mt-2 text-[13px] text-fg-muted">
        {action && (
          <>
            This needs the <strong className="font-medium text-fg">{minimumRole(action)}</strong> role or above
            {role ? '; ' : '. '}
          </>
        )}
        {role && (
          <>
            {action ? 'yours' : 'Your role'} is <strong className="font-medium text-fg">{role}</strong>.{' '}
          </>
        )}
        Roles come from your SSO groups — ask an admin if you need access.
      </p>
      <Link href="/" className={`${buttonClass} mt-5`}>
        ← Back to the overview
      </Link>
    </div>
  );
}

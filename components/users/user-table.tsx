'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { sendJson } from '@/lib/api/fetch-json';
import type { AdminUserView } from '@/lib/api/users/user-view';
import { ROLES, isRole, type Role } from '@/lib/auth/roles';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { RelativeTime } from '@/components/ui/relative-time';
import { ReasonPrompt } from '@/components/ui/reason-prompt';
import { smallButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

interface Props {
  users: AdminUserView[];
  meId: string;
  canWriteRoles: boolean;
  canRevokeSessions: boolean;
}

const COLUMNS = 8;

export function UserTable({ users, meId, canWriteRoles, canRevokeSessions }: Props) {
  return (
    <Table>
      <colgroup>
        <col className="w-[18%]" />
        <col className="w-[16%]" />
        <col />
        <col className="w-[156px]" />
        <col className="w-[92px]" />
        <col className="w-[96px]" />
        <col className="w-[112px]" />
        <col className="w-[148px]" />
      </colgroup>
      <THead>
        <tr>
          <Th>User</Th>
          <Th title="Issuer and subject: who the IdP says this is">Identity</Th>
          <Th title="The groups the IdP sent at the last sign-in or role check, and the role they map to">From IdP</Th>
          <Th title="An admin's override wins over the IdP role">Override</Th>
          <Th title="What Codeflow grants now">Effective</Th>
          <Th className="whitespace-nowrap">Last sign-in</Th>
          <Th className="whitespace-nowrap" title="When an admin last revoked this user's sessions">Sessions reset</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <tbody>
        {users.map((u) => (
          <UserRow key={u.id} user={u} isMe={u.id === meId} canWriteRoles={canWriteRoles} canRevokeSessions={canRevokeSessions} />
        ))}
      </tbody>
    </Table>
  );
}

type Pending = { kind: 'role'; role: Role | null } | { kind: 'sessions' } | null;

function UserRow({ user: u, isMe, canWriteRoles, canRevokeSessions }: { user: AdminUserView; isMe: boolean; canWriteRoles: boolean; canRevokeSessions: boolean }) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const displayName = u.name ?? u.subject;

  const change = useMutation({
    mutationFn: ({ action, reason }: { action: NonNullable<Pending>; reason: string }) =>
      action.kind === 'role'
        ? sendJson<{ user: AdminUserView }>(`/api/admin/users/${u.id}/role`, 'PUT', { role: action.role, reason })
        : sendJson<{ user: AdminUserView }>(`/api/admin/users/${u.id}/sessions`, 'DELETE', { reason }),
    onSuccess: ({ user }, { action }) => {
      setPending(null);
      setNotice(
        action.kind === 'role'
          ? user.roleOverride
            ? `Role override set: ${displayName} is now ${user.effectiveRole}.`
            : `Override cleared: ${displayName}'s role comes from IdP groups again (${user.effectiveRole}).`
          : `Sessions revoked: ${displayName} must sign in again.`,
      );
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });

  const start = (next: NonNullable<Pending>) => {
    change.reset();
    setNotice(null);
    setPending(next);
  };
  const overrideValue = pending?.kind === 'role' ? (pending.role ?? '') : (u.roleOverride ?? '');

  return (
    <Fragment>
      <Tr
        data-testid="user-row"
        data-user-id={u.id}
        data-subject={u.subject}
        data-role={u.effectiveRole}
        className={cn('hover:bg-surface-hover', (pending || notice) && 'border-b-0')}
      >
        <Td>
          <div className="flex min-w-0 flex-col leading-tight">
            <span className="truncate font-medium text-fg" title={displayName}>
              {displayName}
              {isMe && <span className="ml-1.5 text-[11px] font-normal text-fg-subtle">(you)</span>}
            </span>
            {u.email && (
              <span className="truncate text-[12px] text-fg-subtle" title={u.email}>
                {u.email}
              </span>
            )}
          </div>
        </Td>
        <Td>
          <div className="flex min-w-0 flex-col leading-tight" title={`${u.issuer}\n${u.subject}`}>
            <span className="truncate font-mono text-[12px] text-fg-muted">{u.subject}</span>
            <span className="truncate font-mono text-[11px] text-fg-subtle">{issuerLabel(u.issuer)}</span>
          </div>
        </Td>
        <Td>
          <div className="flex min-w-0 flex-wrap items-center gap-1" title={u.idpGroups.length ? `Groups:\n${u.idpGroups.join('\n')}` : 'No groups'}>
            <span data-testid="idp-role" className="mr-1 text-fg-muted">
              {u.idpRole ?? '—'}
            </span>
            {u.idpGroups.length > 0 ? (
              u.idpGroups.map((g) => (
                <span key={g} className="max-w-full truncate rounded border border-border bg-surface-2 px-1.5 font-mono text-[11px] leading-5 text-fg-subtle">
                  {g}
                </span>
              ))
            ) : (
              <span className="text-[12px] text-fg-subtle">no groups</span>
            )}
          </div>
        </Td>
        <Td>
          <label className="sr-only" htmlFor={`override-${u.id}`}>
            Role override for {displayName}
          </label>
          <select
            id={`override-${u.id}`}
            data-testid="role-override"
            value={overrideValue}
            disabled={!canWriteRoles || isMe || change.isPending}
            title={isMe ? 'You cannot change your own role; ask another admin' : !canWriteRoles ? 'Your role may not change roles' : undefined}
            onChange={(e) => {
              const role = isRole(e.target.value) ? e.target.value : null;
              if (role === u.roleOverride) setPending(null);
              else start({ kind: 'role', role });
            }}
            className={cn(
              'h-7 w-full rounded-md border bg-surface px-1.5 text-[12px] hover:border-border-strong disabled:opacity-60',
              u.roleOverride ? 'border-deploying-border text-deploying-fg' : 'border-border text-fg',
            )}
          >
            <option value="">from IdP groups</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Td>
        <Td>
          <span
            data-testid="effective-role"
            className={cn(
              'rounded-full border px-2 py-0.5 text-[11px] font-medium',
              u.roleOverride ? 'border-deploying-border bg-deploying-bg text-deploying-fg' : 'border-border text-fg-muted',
            )}
            title={u.roleOverride ? 'Overridden by an admin' : 'From IdP groups'}
          >
            {u.effectiveRole}
          </span>
        </Td>
        <Td>
          <RelativeTime iso={u.lastSignInAt} className="whitespace-nowrap text-fg-muted" />
        </Td>
        <Td>
          {u.sessionsValidAfter ? <RelativeTime iso={u.sessionsValidAfter} className="whitespace-nowrap text-fg-muted" /> : <span className="text-fg-subtle">—</span>}
        </Td>
        <Td className="text-right">
          {canRevokeSessions && (
            <button
              type="button"
              data-testid="revoke-sessions"
              disabled={change.isPending}
              onClick={() => start({ kind: 'sessions' })}
              className={smallButtonClass}
              title={isMe ? 'This signs you out too' : undefined}
            >
              Revoke sessions
            </button>
          )}
        </Td>
      </Tr>
      {(pending || notice) && (
        <tr className="border-b border-border bg-surface-hover">
          <td colSpan={COLUMNS} className="px-4 pb-3 pt-1">
            {pending ? (
              <ReasonPrompt
                testId={pending.kind === 'role' ? 'role-prompt' : 'sessions-prompt'}
                summary={
                  pending.kind === 'role' ? (
                    pending.role ? (
                      <>
                        Override <strong className="font-medium">{displayName}</strong>’s role to <strong className="font-medium">{pending.role}</strong>
                        {u.roleOverride ? ` (was overridden to ${u.roleOverride})` : ` (IdP groups give ${u.idpRole ?? 'viewer'})`}.
                      </>
                    ) : (
                      <>
                        Clear the override: <strong className="font-medium">{displayName}</strong>’s role comes from IdP groups again ({u.idpRole ?? 'viewer'}).
                      </>
                    )
                  ) : (
                    <>
                      End every session <strong className="font-medium">{displayName}</strong> holds now; they must sign in again.
                      {isMe && ' This includes yours.'}
                    </>
                  )
                }
                confirmLabel={pending.kind === 'role' ? 'Apply' : 'Revoke sessions'}
                danger={pending.kind === 'sessions'}
                pending={change.isPending}
                error={change.error?.message}
                onConfirm={(reason) => change.mutate({ action: pending, reason })}
                onCancel={() => {
                  change.reset();
                  setPending(null);
                }}
              />
            ) : (
              <p role="status" data-testid="user-notice" className="flex items-center gap-2 text-[13px] text-healthy-fg">
                {notice}
                <button type="button" onClick={() => setNotice(null)} className="text-xs text-fg-subtle hover:text-fg">
                  Dismiss
                </button>
              </p>
            )}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** "sandbox.localhost:4000/oidc" from the issuer URL: enough to tell two IdPs apart. */
function issuerLabel(issuer: string): string {
  try {
    const url = new URL(issuer);
    return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return issuer;
  }
}

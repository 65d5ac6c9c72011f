'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { sendJson } from '@/lib/api/fetch-json';
import type { ApiTokenView } from '@/lib/api/tokens/token-view';
import { ROLES, roleRank, type Role } from '@/lib/auth/roles';
import { Card, CardHeader } from '@/components/ui/card';
import { controlClass, primaryButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

const LIFETIMES = [7, 30, 90, 180, 365] as const;

export function CreateTokenForm({ myRole, onCreated }: { myRole: Role; onCreated: (created: { token: ApiTokenView; secret: string }) => void }) {
  const queryClient = useQueryClient();
  const roles = ROLES.filter((r) => roleRank(r) <= roleRank(myRole));
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState<number>(30);

  const create = useMutation({
    mutationFn: (input: { name: string; role: Role; expiresInDays: number }) =>
      sendJson<{ token: ApiTokenView; secret: string }>('/api/tokens', 'POST', input),
    onSuccess: (created) => {
      setName('');
      onCreated(created);
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });

  return (
    <Card data-testid="create-token">
      <CardHeader title="Create a token" meta="A token acts as you, with at most the role you give it" />
      <form
        className="flex flex-wrap items-end gap-3 px-4 py-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name: name.trim(), role, expiresInDays: days });
        }}
      >
        <Field label="Name" htmlFor="token-name">
          <input
            id="token-name"
            data-testid="token-name"
            required
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. deploy-bot, laptop CLI"
            autoComplete="off"
            className={cn(controlClass, 'w-64')}
          />
        </Field>
        <Field label="Role" htmlFor="token-role">
          <select id="token-role" data-testid="token-role" value={role} onChange={(e) => setRole(roles.find((r) => r === e.target.value) ?? 'viewer')} className={controlClass}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Expires in" htmlFor="token-expiry">
          <select id="token-expiry" data-testid="token-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))} className={controlClass}>
            {LIFETIMES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" data-testid="create-token-submit" disabled={create.isPending || name.trim() === ''} className={primaryButtonClass}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
        {create.isError && (
          <p role="alert" data-testid="create-token-error" className="basis-full text-[13px] text-down-fg">
            {create.error.message}
          </p>
        )}
      </form>
    </Card>
  );
}

function Field({ label, htmlFor, children }: { label: string; htmlFor: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={htmlFor} className="text-xs font-medium text-fg-muted">
        {label}
      </label>
      {children}
    </div>
  );
}

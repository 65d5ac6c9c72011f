'use client';

import { useState } from 'react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { ESCALATION_ROLES, ROLE_LABELS, SEVERITIES, type EscalationRole, type RosterEntry, type RosterResponse } from '@/lib/incidents/types';
import { sendJson } from '@/lib/api/fetch-json';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { Table, THead, Th, Tr, Td } from '@/components/ui/table';
import { controlClass, primaryButtonClass } from '@/components/ui/controls';
import { buttonClass } from '@/components/ui/error-panel';
import { cn } from '@/components/ui/cn';
import { rosterQuery, simulateQuery } from './queries';
import { formatAfter } from './format';

/** "P1 at 15 min · P2 at 1 h" per role, from the configured matrix (asked of the simulator). */
function usePagedFor(): Partial<Record<EscalationRole, string>> {
  const [at] = useState(() => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString());
  const results = useQueries({ queries: SEVERITIES.map((s) => simulateQuery(s, at)) });
  const out: Partial<Record<EscalationRole, string[]>> = {};
  results.forEach((r, i) => {
    for (const step of r.data?.steps ?? []) (out[step.role] ??= []).push(`${SEVERITIES[i]} at ${formatAfter(step.afterMinutes)}`);
  });
  return Object.fromEntries(Object.entries(out).map(([role, list]) => [role, list.join(' · ')]));
}

type Draft = Record<EscalationRole, { person: string; contact: string }>;

function toDraft(roster: RosterEntry[]): Draft {
  return Object.fromEntries(
    ESCALATION_ROLES.map((role) => {
      const entry = roster.find((r) => r.role === role);
      return [role, { person: entry?.person ?? '', contact: entry?.contact ?? '' }];
    }),
  ) as Draft;
}

/** Who holds each escalation role. Admins edit it (saved in the database over the config's defaults). */
export function RosterEditor({ canEdit }: { canEdit: boolean }) {
  const queryClient = useQueryClient();
  const query = useQuery(rosterQuery());
  const pagedFor = usePagedFor();
  const [draft, setDraft] = useState<Draft | null>(null);
  const save = useMutation({
    mutationFn: (roster: RosterEntry[]) => sendJson<RosterResponse>('/api/roster', 'PUT', { roster }),
    onSuccess: (data) => {
      queryClient.setQueryData(rosterQuery().queryKey, data);
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
      setDraft(null);
    },
  });
  const editing = draft !== null;
  const rows = query.data?.roster;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Escalation roster</h1>
        <span className="text-xs text-fg-subtle">Who the guide’s matrix pages for each role. Changes apply to the next tier reached.</span>
      </div>
      <Card className="overflow-hidden" data-testid="roster">
        <CardHeader
          title="Roles"
          actions={
            canEdit && rows && !editing ? (
              <button type="button" data-testid="roster-edit" onClick={() => setDraft(toDraft(rows))} className={buttonClass}>
                Edit
              </button>
            ) : null
          }
        />
        <QueryList query={query} items={rows} errorTitle="The roster could not be loaded" empty="No roster configured." skeletonRows={5}>
          {(roster) => (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (!draft) return;
                save.mutate(
                  ESCALATION_ROLES.filter((r) => draft[r].person.trim()).map((role) => ({
                    role,
                    person: draft[role].person.trim(),
                    contact: draft[role].contact.trim() || null,
                  })),
                );
              }}
            >
              <Table>
                <THead>
                  <tr>
                    <Th className="w-[140px]">Role</Th>
                    <Th>Person</Th>
                    <Th>Contact</Th>
                    <Th className="w-[30%]">Paged for</Th>
                  </tr>
                </THead>
                <tbody>
                  {ESCALATION_ROLES.map((role) => {
                    const entry = roster.find((r) => r.role === role);
                    return (
                      <Tr key={role} data-testid="roster-row" data-role={role}>
                        <Td className="font-medium">{ROLE_LABELS[role]}</Td>
                        <Td>
                          {draft ? (
                            <input
                              aria-label={`${ROLE_LABELS[role]}: person`}
                              data-testid={`roster-person-${role}`}
                              value={draft[role].person}
                              maxLength={200}
                              onChange={(e) => setDraft({ ...draft, [role]: { ...draft[role], person: e.target.value } })}
                              className={cn(controlClass, 'w-full')}
                            />
                          ) : (
                            (entry?.person ?? <span className="text-fg-subtle">nobody</span>)
                          )}
                        </Td>
                        <Td>
                          {draft ? (
                            <input
                              aria-label={`${ROLE_LABELS[role]}: contact`}
                              data-testid={`roster-contact-${role}`}
                              value={draft[role].contact}
                              maxLength={200}
                              placeholder="phone, email or pager"
                              onChange={(e) => setDraft({ ...draft, [role]: { ...draft[role], contact: e.target.value } })}
                              className={cn(controlClass, 'w-full')}
                            />
                          ) : (
                            <span className="font-mono text-[12px]">{entry?.contact ?? <span className="text-fg-subtle">—</span>}</span>
                          )}
                        </Td>
                        <Td className="text-[12px] text-fg-subtle">{pagedFor[role] ?? 'never, in this matrix'}</Td>
                      </Tr>
                    );
                  })}
                </tbody>
              </Table>
              {editing && (
                <div className="flex items-center gap-2 border-t border-border px-4 py-3">
                  <button type="submit" data-testid="roster-save" disabled={save.isPending} className={primaryButtonClass}>
                    {save.isPending ? 'Saving…' : 'Save roster'}
                  </button>
                  <button type="button" onClick={() => setDraft(null)} disabled={save.isPending} className={buttonClass}>
                    Cancel
                  </button>
                  {save.error && (
                    <p role="alert" className="text-[13px] text-down-fg">
                      {save.error.message}
                    </p>
                  )}
                </div>
              )}
            </form>
          )}
        </QueryList>
      </Card>
    </div>
  );
}

import { z } from 'zod';
import { ESCALATION_ROLES, SEVERITIES, type EscalationRole, type PlaybookActionKind, type Severity } from './types';

/*
 * The `incidents` section of codeflow.config.json: escalation matrix, roster defaults, playbooks
 * and webhook targets. Every key is optional; the defaults are the deployment guide's §6.2.
 * `CODEFLOW_WEBHOOKS` (a JSON array of targets) adds webhooks from the environment, so URLs with
 * secrets in them need not sit in a file.
 */

export interface MatrixRow {
  afterMinutes: number;
  /** Who is pulled in at this time, per severity; a missing severity means nobody ("-"). */
  roles: Partial<Record<Severity, EscalationRole>>;
}

export interface PlaybookStepConfig {
  id: string;
  label: string;
  action: PlaybookActionKind | null;
}

export type IncidentEvent = 'open' | 'escalation' | 'acknowledge' | 'resolve';
/** What a webhook target can be told: incident events, and `approval` (an operation waits for a second operator). */
export type WebhookEvent = IncidentEvent | 'approval';
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['open', 'escalation', 'acknowledge', 'resolve', 'approval'];

export interface WebhookTarget {
  name: string;
  url: string;
  /** `slack`: `{ text, blocks }` (Slack, Mattermost, Teams workflows); `json`: Codeflow's own event body. */
  format: 'slack' | 'json';
  events: WebhookEvent[];
  /** Only incidents of these severities (all when absent); approval requests are not filtered by it. */
  severities: Severity[];
  headers: Record<string, string>;
}

export interface IncidentsConfig {
  matrix: MatrixRow[];
  roster: Record<EscalationRole, { person: string; contact: string | null }>;
  playbooks: Record<Severity, PlaybookStepConfig[]>;
  webhooks: WebhookTarget[];
  notifications: {
    /** Attempts per target and event, the first included. */
    maxAttempts: number;
    /** Delay before the 2nd attempt; doubles each time. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** One HTTP request's time limit. */
    timeoutMs: number;
  };
  /** How often the background worker looks for due tiers and notifications (ms). */
  workerIntervalMs: number;
  /** Links in notifications (`<publicUrl>/incidents/<n>`, `<publicUrl>/operations/<id>`); defaults to NEXTAUTH_URL. */
  publicUrl: string | null;
}

export const DEFAULT_MATRIX: MatrixRow[] = [
  { afterMinutes: 15, roles: { P0: 'on-call', P1: 'team-lead' } },
  { afterMinutes: 60, roles: { P0: 'manager', P1: 'manager', P2: 'team-lead' } },
  { afterMinutes: 240, roles: { P0: 'director', P1: 'director', P2: 'manager', P3: 'team-lead' } },
  { afterMinutes: 1440, roles: { P0: 'executive', P1: 'executive', P2: 'director', P3: 'manager' } },
];

export const DEFAULT_ROSTER: IncidentsConfig['roster'] = {
  'on-call': { person: 'On-call engineer', contact: null },
  'team-lead': { person: 'Team lead', contact: null },
  manager: { person: 'Engineering manager', contact: null },
  director: { person: 'Director of engineering', contact: null },
  executive: { person: 'Executive on duty', contact: null },
};

type StepInput = string | { id?: string; label: string; action?: PlaybookActionKind | null };

/** The guide's p0_response / p1_response / p2_response; P3 gets a short default of our own. */
export const DEFAULT_PLAYBOOKS: Record<Severity, StepInput[]> = {
  P0: [
    'Alert on-call engineer',
    'Assess impact and scope',
    { label: 'Implement temporary mitigation', action: 'rollback' },
    'Communicate with stakeholders',
    'Begin root cause analysis',
  ],
  P1: ['Notify engineering team', { label: 'Assess and mitigate', action: 'rollback' }, 'Update stakeholders', 'Schedule post-mortem'],
  P2: ['Create ticket for next sprint', 'Monitor and document', { label: 'Implement fix in regular cycle', action: 'deploy' }],
  P3: ['Create ticket for the backlog', 'Fix in a regular release'],
};

const roleSchema = z.enum(ESCALATION_ROLES as [EscalationRole, ...EscalationRole[]]);
const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const actionSchema = z.enum(['rollback', 'scale', 'deploy']);
const stepIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'step ids use lowercase letters, digits and hyphens (at most 63)');

const stepSchema = z.union([
  z.string().min(1),
  z.object({ id: stepIdSchema.optional(), label: z.string().min(1), action: actionSchema.nullable().optional() }).strict(),
]);

export const webhookSchema = z
  .object({
    name: z.string().min(1).max(64),
    url: z.url({ protocol: /^https?$/ }),
    format: z.enum(['slack', 'json']).default('json'),
    events: z.array(z.enum(WEBHOOK_EVENTS as [WebhookEvent, ...WebhookEvent[]])).min(1).optional(),
    severities: z.array(severitySchema).min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const incidentsFileSchema = z
  .object({
    matrix: z
      .array(z.object({ afterMinutes: z.number().int().positive().max(60 * 24 * 30), roles: z.partialRecord(severitySchema, roleSchema) }).strict())
      .optional(),
    roster: z.partialRecord(roleSchema, z.object({ person: z.string().min(1), contact: z.string().min(1).nullable().optional() }).strict()).optional(),
    playbooks: z.partialRecord(severitySchema, z.array(stepSchema)).optional(),
    webhooks: z.array(webhookSchema).optional(),
    notifications: z
      .object({
        maxAttempts: z.number().int().min(1).max(20).optional(),
        baseDelayMs: z.number().int().min(0).max(3_600_000).optional(),
        maxDelayMs: z.number().int().min(0).max(86_400_000).optional(),
        timeoutMs: z.number().int().min(100).max(60_000).optional(),
      })
      .strict()
      .optional(),
    workerIntervalMs: z.number().int().min(500).max(600_000).optional(),
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

export type IncidentsFileSection = z.infer<typeof incidentsFileSchema>;

/** Pure: the file's section (already schema-checked) and the environment in, the whole config out. */
export function parseIncidentsConfig(section: IncidentsFileSection = {}, env: Record<string, string | undefined> = {}): IncidentsConfig {
  const matrix = (section.matrix ?? DEFAULT_MATRIX).map((r) => ({ afterMinutes: r.afterMinutes, roles: { ...r.roles } }));
  const times = matrix.map((r) => r.afterMinutes);
  if (new Set(times).size !== times.length) throw new Error('incidents.matrix: two rows have the same afterMinutes');
  matrix.sort((a, b) => a.afterMinutes - b.afterMinutes);
  for (const sev of SEVERITIES) {
    const roles = matrix.flatMap((r) => (r.roles[sev] ? [r.roles[sev]] : []));
    if (new Set(roles).size !== roles.length) throw new Error(`incidents.matrix: ${sev} reaches the same role twice; each role is paged once per incident`);
  }

  const roster = { ...DEFAULT_ROSTER };
  for (const role of ESCALATION_ROLES) {
    const r = section.roster?.[role];
    if (r) roster[role] = { person: r.person, contact: r.contact ?? null };
  }

  const playbooks = {} as Record<Severity, PlaybookStepConfig[]>;
  for (const sev of SEVERITIES) playbooks[sev] = normalizeSteps(sev, section.playbooks?.[sev] ?? DEFAULT_PLAYBOOKS[sev]);

  const webhooks = [...(section.webhooks ?? []), ...parseWebhooksEnv(env.CODEFLOW_WEBHOOKS)].map((w) => ({
    name: w.name,
    url: w.url,
    format: w.format ?? 'json',
    events: [...(w.events ?? WEBHOOK_EVENTS)],
    severities: [...(w.severities ?? SEVERITIES)],
    headers: { ...(w.headers ?? {}) },
  }));
  const names = webhooks.map((w) => w.name);
  if (new Set(names).size !== names.length) throw new Error('incidents.webhooks: two targets have the same name (names key the delivery records)');

  const n = section.notifications ?? {};
  return {
    matrix,
    roster,
    playbooks,
    webhooks,
    notifications: {
      maxAttempts: n.maxAttempts ?? 5,
      baseDelayMs: n.baseDelayMs ?? 10_000,
      maxDelayMs: n.maxDelayMs ?? 300_000,
      timeoutMs: n.timeoutMs ?? 5_000,
    },
    workerIntervalMs: section.workerIntervalMs ?? 5_000,
    publicUrl: section.publicUrl ?? env.NEXTAUTH_URL?.trim().replace(/\/$/, '') ?? null,
  };
}

function parseWebhooksEnv(raw: string | undefined): z.infer<typeof webhookSchema>[] {
  if (!raw?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('CODEFLOW_WEBHOOKS must be a JSON array of { name, url, format?: "slack" | "json", events?, severities?, headers? }; it is not valid JSON');
  }
  const parsed = z.array(webhookSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`CODEFLOW_WEBHOOKS: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

function normalizeSteps(sev: Severity, steps: StepInput[]): PlaybookStepConfig[] {
  const out: PlaybookStepConfig[] = [];
  for (const step of steps) {
    const s = typeof step === 'string' ? { label: step } : step;
    let id = s.id ?? `${sev.toLowerCase()}-${slug(s.label)}`;
    for (let i = 2; out.some((o) => o.id === id); i++) id = `${sev.toLowerCase()}-${slug(s.label)}-${i}`;
    if (s.id && out.some((o) => o.id === s.id)) throw new Error(`incidents.playbooks.${sev}: two steps have the id "${s.id}"`);
    out.push({ id, label: s.label, action: s.action ?? null });
  }
  return out;
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'step';
}

/** The tiers one severity goes through, in time order. */
export function tiersFor(matrix: readonly MatrixRow[], severity: Severity): { afterMinutes: number; role: EscalationRole }[] {
  return matrix.flatMap((r) => (r.roles[severity] ? [{ afterMinutes: r.afterMinutes, role: r.roles[severity] }] : []));
}

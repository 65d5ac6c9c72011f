import { z } from 'zod';
import { ESCALATION_ROLES, INCIDENT_STATUSES, SEVERITIES, type EscalationRole, type IncidentStatus, type Severity } from '../../incidents/types';
import { clusterNameSchema, serviceNameSchema } from '../params';
import { isIncidentRef } from '../../incidents/lookup';

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]], { error: (i) => `"${String(i.input)}" is not a severity; use P0, P1, P2 or P3` });
const status = z.enum(INCIDENT_STATUSES as [IncidentStatus, ...IncidentStatus[]], { error: (i) => `"${String(i.input)}" is not a status; use open, acknowledged, mitigated or resolved` });
const role = z.enum(ESCALATION_ROLES as [EscalationRole, ...EscalationRole[]], { error: (i) => `"${String(i.input)}" is not a role; use ${ESCALATION_ROLES.join(', ')}` });

/** A service by cluster and name, and its account id and Region when it is not home's. */
export const serviceRefSchema = z
  .object({
    account: z.string().regex(/^(\d{12}|default)$/, 'account is a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'region is an AWS Region name such as us-east-1').optional(),
    cluster: clusterNameSchema,
    service: serviceNameSchema,
  })
  .strict();

const title = z.string({ error: 'give the incident a title' }).trim().min(1, 'give the incident a title').max(200, 'at most 200 characters');

export const openIncidentSchema = z
  .object({
    // Optional only when the source supplies one (an operation does); otherwise refused naming the field.
    title: title.optional(),
    severity,
    services: z.array(serviceRefSchema).max(50).optional(),
    commanderUserId: z.string().min(1).max(64).optional(),
    source: z
      .object({ kind: z.enum(['manual', 'alarm', 'operation', 'finding']), ref: z.string().max(500).nullable().optional().transform((v) => v ?? null) })
      .strict()
      .optional(),
    openedAt: z.iso.datetime({ offset: true, error: 'give a time such as 2025-01-31T14:05:00Z' }).optional(),
    note: z.string().max(4000).optional(),
  })
  .strict();

export const updateIncidentSchema = z
  .object({
    status: status.optional(),
    severity: severity.optional(),
    commanderUserId: z.string().min(1).max(64).nullable().optional(),
    title: title.optional(),
    services: z.array(serviceRefSchema).max(50).optional(),
    note: z.string().max(4000).optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { error: 'change something: status, severity, commanderUserId, title, services or note' });

export const listIncidentsQuerySchema = z
  .object({ status: z.union([z.enum(['open', 'all']), status]).optional(), severity: severity.optional() })
  .strict();

// An incident is named by its id or by its number ("2", "#2"), as the UI and the CLI call it.
const incidentRef = z.string().max(100).refine(isIncidentRef, { error: 'not an incident id or number' });
export const incidentParamsSchema = z.object({ id: incidentRef });
export const stepParamsSchema = z.object({ id: incidentRef, stepId: z.string().min(1).max(120) });

export const playbookBodySchema = z.object({ done: z.boolean({ error: 'done must be true or false' }) }).strict();
export const escalateBodySchema = z.object({ reason: z.string({ error: 'say why' }).trim().min(1, 'say why the next tier is pulled in early').max(1000) }).strict();

export const simulateQuerySchema = z
  .object({ severity, openedAt: z.iso.datetime({ offset: true, error: 'give a time such as 2025-01-31T14:05:00Z' }).optional() })
  .strict();

export const rosterBodySchema = z
  .object({
    roster: z
      .array(z.object({ role, person: z.string().trim().min(1, 'name who holds this role').max(200), contact: z.string().trim().max(300).nullable().optional().transform((v) => v || null) }).strict())
      .min(1, 'give at least one role')
      .max(5),
  })
  .strict();

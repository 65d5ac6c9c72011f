// Incident domain types — the contract between INC-CORE (lib/incidents, the API) and INC-UI (components, pages).
// Safe to import from client components: types and plain constants only.

export type Severity = 'P0' | 'P1' | 'P2' | 'P3';
export type IncidentStatus = 'open' | 'acknowledged' | 'mitigated' | 'resolved';
export type EscalationRole = 'on-call' | 'team-lead' | 'manager' | 'director' | 'executive';

export const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'mitigated', 'resolved'];
export const ESCALATION_ROLES: readonly EscalationRole[] = ['on-call', 'team-lead', 'manager', 'director', 'executive'];

/** The guide's §6.2 severity definitions, for wherever a severity is chosen or shown. */
export const SEVERITY_DEFINITIONS: Readonly<Record<Severity, { name: string; definition: string }>> = {
  P0: { name: 'Critical', definition: 'Service down, data loss' },
  P1: { name: 'High', definition: 'Major functionality broken' },
  P2: { name: 'Medium', definition: 'Minor issues, performance degradation' },
  P3: { name: 'Low', definition: 'Cosmetic issues, minor bugs' },
};

export const ROLE_LABELS: Readonly<Record<EscalationRole, string>> = {
  'on-call': 'On-call',
  'team-lead': 'Team Lead',
  manager: 'Manager',
  director: 'Director',
  executive: 'Executive',
};

/**
 * An affected service: its account id and Region as well as its cluster and name. Every service an
 * incident records names them (rows from before they were recorded are moved home at start,
 * lib/accounts/adopt-rows.ts); they are optional where a request names a service, meaning home.
 */
export interface ServiceRef {
  account?: string;
  region?: string;
  cluster: string;
  service: string;
}

export interface IncidentSource { kind: 'manual' | 'alarm' | 'operation' | 'finding'; ref: string | null; label: string | null }

export type PlaybookActionKind = 'rollback' | 'scale' | 'deploy';

export interface PlaybookStep {
  id: string;
  label: string;
  /** When set, the UI offers a button that opens the guarded-action dialog prefilled (an affected service: its account, Region, cluster and name). */
  action: { kind: PlaybookActionKind; account?: string; region?: string; cluster?: string; service?: string } | null;
  doneBy: { subject: string; name: string | null } | null;
  doneAt: string | null;
}

export interface EscalationTierReached {
  role: EscalationRole;
  person: string | null;
  afterMinutes: number;
  reachedAt: string;
  /** true when pulled in early by a responder (POST /escalate) rather than by time. */
  early: boolean;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  commander: { userId: string; name: string | null } | null;
  services: ServiceRef[];
  source: IncidentSource;
  openedAt: string;
  openedBy: { subject: string; name: string | null };
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  /** reached so far, in order */
  tiers: EscalationTierReached[];
  /** next tier and when (null if none left / resolved) */
  next: { role: EscalationRole; person: string | null; at: string } | null;
  playbook: PlaybookStep[];
}

export type TimelineKind =
  | 'status' | 'severity' | 'commander' | 'services' | 'playbook' | 'escalation'
  | 'note' | 'notification' | 'deployment' | 'rollback' | 'alarm' | 'finding' | 'operation';

export interface TimelineEntry { at: string; kind: TimelineKind; actor: string | null; text: string; ref: string | null }

// ---- API shapes ----
export interface IncidentListResponse { incidents: Incident[] }
export interface IncidentResponse { incident: Incident }
export interface IncidentDetailResponse { incident: Incident; timeline: TimelineEntry[] }
export interface EscalationBoardResponse { now: string; incidents: Incident[]; unacknowledged: string[] }
export interface SimulateStep { afterMinutes: number; at: string; role: EscalationRole; person: string | null }
export interface EscalationSimulateResponse { steps: SimulateStep[] }
export interface RosterEntry { role: EscalationRole; person: string; contact: string | null }
export interface RosterResponse { roster: RosterEntry[] }
export interface CommandersResponse { users: { id: string; name: string | null }[] }

export interface OpenIncidentInput {
  title: string;
  severity: Severity;
  services?: ServiceRef[];
  commanderUserId?: string;
  source?: { kind: IncidentSource['kind']; ref: string | null };
  openedAt?: string;
  note?: string;
}

export interface UpdateIncidentInput {
  status?: IncidentStatus;
  severity?: Severity;
  commanderUserId?: string | null;
  title?: string;
  services?: ServiceRef[];
  note?: string;
}

-- Incidents and escalation: incidents, their own timeline events, escalation tiers reached
-- (unique per incident and role: each tier is recorded once, whatever the number of replicas),
-- the notification outbox with every delivery attempt, and the roster admins edit.

CREATE TABLE incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number serial NOT NULL UNIQUE,
  title text NOT NULL CHECK (length(btrim(title)) > 0),
  severity text NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'mitigated', 'resolved')),
  commander_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  services jsonb NOT NULL DEFAULT '[]'::jsonb,
  source_kind text NOT NULL CHECK (source_kind IN ('manual', 'alarm', 'operation', 'finding')),
  source_ref text,
  source_label text,
  opened_at timestamptz NOT NULL,
  opened_by_issuer text NOT NULL,
  opened_by_subject text NOT NULL,
  opened_by_name text,
  acknowledged_at timestamptz,
  mitigated_at timestamptz,
  resolved_at timestamptz,
  -- The escalation clock runs while the incident is unresolved: escalation time is
  -- unresolved_ms plus (now - clock_started_at) when clock_started_at is set.
  clock_started_at timestamptz,
  unresolved_ms bigint NOT NULL DEFAULT 0 CHECK (unresolved_ms >= 0),
  playbook jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT incidents_clock_runs_while_unresolved CHECK ((status = 'resolved') = (clock_started_at IS NULL))
);

CREATE INDEX incidents_unresolved_idx ON incidents (status) WHERE status <> 'resolved';
CREATE INDEX incidents_opened_at_idx ON incidents (opened_at);

CREATE TABLE incident_events (
  id bigserial PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  actor text,
  text text NOT NULL,
  ref text
);

CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, at);

CREATE TABLE incident_escalations (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('on-call', 'team-lead', 'manager', 'director', 'executive')),
  person text,
  contact text,
  after_minutes integer NOT NULL,
  due_at timestamptz NOT NULL,
  reached_at timestamptz NOT NULL,
  early boolean NOT NULL DEFAULT false,
  actor text,
  reason text,
  -- Each tier is reached once per incident: replicas race on this, and the loser's insert is a no-op.
  CONSTRAINT incident_escalations_incident_role_key UNIQUE (incident_id, role)
);

CREATE TABLE incident_notifications (
  id bigserial PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  -- incident id + event + what it is about + target: one message per target per happening.
  dedupe_key text NOT NULL UNIQUE,
  event text NOT NULL CHECK (event IN ('open', 'escalation', 'acknowledge', 'resolve')),
  target text NOT NULL,
  url text NOT NULL,
  format text NOT NULL CHECK (format IN ('slack', 'json')),
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz
);

CREATE INDEX incident_notifications_due_idx ON incident_notifications (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX incident_notifications_incident_idx ON incident_notifications (incident_id);

CREATE TABLE incident_notification_attempts (
  id bigserial PRIMARY KEY,
  notification_id bigint NOT NULL REFERENCES incident_notifications (id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  at timestamptz NOT NULL,
  ok boolean NOT NULL,
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  CONSTRAINT incident_notification_attempts_once UNIQUE (notification_id, attempt)
);

CREATE INDEX incident_notification_attempts_incident_idx ON incident_notification_attempts (incident_id, at);

CREATE TABLE escalation_roster (
  role text PRIMARY KEY CHECK (role IN ('on-call', 'team-lead', 'manager', 'director', 'executive')),
  person text NOT NULL CHECK (length(btrim(person)) > 0),
  contact text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

-- Guarded actions (lib/ops): operations with their plan, steps and trigger readings; idempotency
-- keys; one lock row per service with a fencing token; approvals; settings (the read-only switch).

CREATE TABLE operations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('deploy', 'rollback', 'scale', 'restart', 'switch-traffic')),
  cluster text NOT NULL,
  service text NOT NULL,
  environment text NOT NULL,
  status text NOT NULL CHECK (status IN ('awaiting_approval', 'executing', 'verifying', 'paused', 'succeeded', 'failed',
    'rolled_back', 'rejected', 'expired', 'cancelled', 'outcome_unknown')),
  request jsonb NOT NULL,
  plan jsonb NOT NULL,
  fingerprint text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  incident_id text,
  requested_by_issuer text NOT NULL,
  requested_by_subject text NOT NULL,
  requested_by_name text,
  approved_by_issuer text,
  approved_by_subject text,
  approved_by_name text,
  approval_deadline timestamptz,
  -- The fencing token of the lock this operation holds (null when it holds none).
  fencing_token bigint,
  -- What execution did (new task definition, deployment id, …) and the verification window.
  execution jsonb NOT NULL DEFAULT '{}'::jsonb,
  steps jsonb NOT NULL DEFAULT '[]'::jsonb,
  triggers jsonb NOT NULL DEFAULT '[]'::jsonb,
  rollout jsonb,
  rollback_proposed boolean NOT NULL DEFAULT false,
  parent_operation_id uuid REFERENCES operations (id),
  follow_up_operation_id uuid REFERENCES operations (id),
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE INDEX operations_service_idx ON operations (cluster, service, created_at DESC);
CREATE INDEX operations_active_idx ON operations (status) WHERE status IN ('awaiting_approval', 'executing', 'verifying', 'paused', 'outcome_unknown');

-- One row per service, kept forever so the fencing token only ever grows. Free when operation_id is null
-- or the lock expired (its holder stopped heartbeating).
CREATE TABLE service_locks (
  cluster text NOT NULL,
  service text NOT NULL,
  operation_id uuid REFERENCES operations (id),
  holder_subject text,
  holder_name text,
  acquired_at timestamptz,
  expires_at timestamptz,
  fencing_token bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (cluster, service)
);

CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL CHECK (length(key) BETWEEN 8 AND 128),
  request_hash text NOT NULL,
  operation_id uuid REFERENCES operations (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

CREATE TABLE operation_approvals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  operation_id uuid NOT NULL REFERENCES operations (id),
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  fingerprint text NOT NULL,
  by_issuer text NOT NULL,
  by_subject text NOT NULL,
  by_name text,
  reason text,
  at timestamptz NOT NULL DEFAULT now(),
  -- One decision per operation.
  CONSTRAINT operation_approvals_operation_key UNIQUE (operation_id)
);

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  set_by text,
  set_at timestamptz NOT NULL DEFAULT now()
);

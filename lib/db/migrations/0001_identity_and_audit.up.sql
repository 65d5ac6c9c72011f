-- Identity and trust: users from the IdP, API tokens, and the append-only, hash-chained audit log.

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  issuer text NOT NULL,
  subject text NOT NULL,
  name text,
  email text,
  idp_groups jsonb NOT NULL DEFAULT '[]'::jsonb,
  idp_role text CHECK (idp_role IN ('viewer', 'responder', 'operator', 'admin')),
  role_override text CHECK (role_override IN ('viewer', 'responder', 'operator', 'admin')),
  sessions_valid_after timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz,
  role_checked_at timestamptz,
  -- Identity is issuer + subject: the same sub from two IdPs is two people.
  CONSTRAINT users_issuer_subject_key UNIQUE (issuer, subject)
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  role text NOT NULL CHECK (role IN ('viewer', 'responder', 'operator', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);

CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_issuer text,
  actor_subject text,
  actor_name text,
  actor_role text CHECK (actor_role IN ('viewer', 'responder', 'operator', 'admin')),
  action text NOT NULL,
  target text,
  params jsonb,
  reason text,
  outcome text NOT NULL CHECK (outcome IN ('intent', 'success', 'failure', 'denied')),
  intent_seq bigint REFERENCES audit_log (seq),
  request_id text,
  aws_request_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT audit_log_intent_has_no_intent_seq CHECK (outcome <> 'intent' OR intent_seq IS NULL)
);

CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_action_seq_idx ON audit_log (action, seq);

-- The database, not the application, keeps the log append-only. Only someone who can disable
-- triggers (the table owner or a superuser) can change history, and the hash chain shows it.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    RAISE EXCEPTION 'audit_log is append-only: % of entry % refused', TG_OP, OLD.seq
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

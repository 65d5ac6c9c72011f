-- Server-side sessions: the session cookie names one of these rows, and every request checks it,
-- so sign-out, revocation, a role override and the idle/absolute limits end a session at once.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- sha256 hex of the random session id carried in the (encrypted) cookie; the id itself is not stored.
  id_hash text NOT NULL UNIQUE CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_reason text,
  -- The IdP access token of this sign-in, encrypted with a key derived from NEXTAUTH_SECRET: the
  -- owner's API tokens re-confirm the owner's role at the IdP with it.
  idp_access_token text,
  idp_access_token_expires_at timestamptz
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

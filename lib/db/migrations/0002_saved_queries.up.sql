-- Saved Logs Insights queries: per user, named; a shared one is listed for everyone who may query.

CREATE TABLE saved_queries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
  query text NOT NULL CHECK (char_length(query) BETWEEN 1 AND 10000),
  shared boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Saving under an existing name replaces that query.
  CONSTRAINT saved_queries_user_name_key UNIQUE (user_id, name)
);

CREATE INDEX saved_queries_shared_idx ON saved_queries (shared) WHERE shared;

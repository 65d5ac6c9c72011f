-- Maintenance (guide §6.3): who did which recurring task, when. Tasks themselves live in config;
-- completions are kept by task id, so a renamed task keeps its history. Rows are never changed.

CREATE TABLE maintenance_completions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id text NOT NULL CHECK (task_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  -- The task as configured when it was done: titles and periods may change later.
  task_title text NOT NULL CHECK (char_length(task_title) BETWEEN 1 AND 200),
  period text NOT NULL CHECK (period IN ('weekly', 'monthly', 'quarterly')),
  done_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Who, as issuer + subject (the users table's identity) and their name at the time.
  done_by_issuer text NOT NULL,
  done_by_subject text NOT NULL,
  done_by_name text NOT NULL,
  note text CHECK (note IS NULL OR char_length(note) <= 1000),
  -- Work is recorded after it is done, never ahead of it (a little clock skew is allowed).
  CONSTRAINT maintenance_completions_not_future CHECK (done_at <= recorded_at + interval '5 minutes')
);

CREATE INDEX maintenance_completions_task_done_idx ON maintenance_completions (task_id, done_at DESC);

CREATE FUNCTION maintenance_completions_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'maintenance_completions is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER maintenance_completions_no_update_or_delete
  BEFORE UPDATE OR DELETE ON maintenance_completions
  FOR EACH ROW EXECUTE FUNCTION maintenance_completions_refuse_change();

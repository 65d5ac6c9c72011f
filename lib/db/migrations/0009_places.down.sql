-- Back to one account: where two accounts' services share a cluster and name, the lock with the
-- highest fencing token stays (tokens only grow); operations keep their rows and lose where they ran.
DELETE FROM service_locks a USING service_locks b
  WHERE a.cluster = b.cluster AND a.service = b.service AND (a.fencing_token, a.account, a.region) < (b.fencing_token, b.account, b.region);
ALTER TABLE service_locks DROP CONSTRAINT service_locks_pkey;
ALTER TABLE service_locks DROP COLUMN account;
ALTER TABLE service_locks DROP COLUMN region;
ALTER TABLE service_locks ADD PRIMARY KEY (cluster, service);

DROP INDEX operations_service_idx;
ALTER TABLE operations DROP COLUMN account;
ALTER TABLE operations DROP COLUMN region;
CREATE INDEX operations_service_idx ON operations (cluster, service, created_at DESC);

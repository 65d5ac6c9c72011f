-- Every operation and lock names the account and Region of its service as well as its cluster and
-- name: two accounts' codeflow-service are two services. Rows from before get '' here, and the
-- configured home account and Region when Codeflow starts (lib/accounts/adopt-rows.ts): SQL cannot
-- know the configuration.
ALTER TABLE operations ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN region text NOT NULL DEFAULT '';
DROP INDEX operations_service_idx;
CREATE INDEX operations_service_idx ON operations (account, region, cluster, service, created_at DESC);

ALTER TABLE service_locks ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE service_locks ADD COLUMN region text NOT NULL DEFAULT '';
ALTER TABLE service_locks DROP CONSTRAINT service_locks_pkey;
ALTER TABLE service_locks ADD PRIMARY KEY (account, region, cluster, service);

DROP TABLE IF EXISTS settings;
DROP TABLE IF EXISTS operation_approvals;
DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS service_locks;
DROP TABLE IF EXISTS operations;

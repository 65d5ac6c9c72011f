-- Drops the audit log with everything else: take a pg_dump first (deployment guide §5.2).
DROP TABLE audit_log;
DROP FUNCTION audit_log_refuse_change();
DROP TABLE api_tokens;
DROP TABLE users;

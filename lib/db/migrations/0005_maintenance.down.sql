-- Drops the maintenance history: take a pg_dump first (deployment guide §5.2).
DROP TABLE maintenance_completions;
DROP FUNCTION maintenance_completions_refuse_change();

-- Operations gain a kind: changes to a service's CloudWatch alarms (guide §4.1).
ALTER TABLE operations DROP CONSTRAINT operations_kind_check;
ALTER TABLE operations ADD CONSTRAINT operations_kind_check CHECK (kind IN ('deploy', 'rollback', 'scale', 'restart', 'switch-traffic', 'alarms'));

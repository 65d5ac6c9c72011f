-- Back to the five kinds. Alarm operations already recorded stay, as history (the audit log and
-- approvals point at them): the constraint holds for new rows only.
ALTER TABLE operations DROP CONSTRAINT operations_kind_check;
ALTER TABLE operations ADD CONSTRAINT operations_kind_check CHECK (kind IN ('deploy', 'rollback', 'scale', 'restart', 'switch-traffic')) NOT VALID;

-- Approval requests of guarded operations are webhook notifications too: they go through the
-- incidents' outbox (one delivery mechanism: claim with SKIP LOCKED, retries, attempts recorded).
-- A row is about an incident or an operation, never both.
ALTER TABLE incident_notifications ALTER COLUMN incident_id DROP NOT NULL;
ALTER TABLE incident_notifications ADD COLUMN operation_id uuid REFERENCES operations (id) ON DELETE CASCADE;
ALTER TABLE incident_notifications ADD CONSTRAINT incident_notifications_subject_check CHECK ((incident_id IS NULL) <> (operation_id IS NULL));
ALTER TABLE incident_notifications DROP CONSTRAINT incident_notifications_event_check;
ALTER TABLE incident_notifications ADD CONSTRAINT incident_notifications_event_check CHECK (event IN ('open', 'escalation', 'acknowledge', 'resolve', 'approval'));
CREATE INDEX incident_notifications_operation_idx ON incident_notifications (operation_id) WHERE operation_id IS NOT NULL;

ALTER TABLE incident_notification_attempts ALTER COLUMN incident_id DROP NOT NULL;
ALTER TABLE incident_notification_attempts ADD COLUMN operation_id uuid REFERENCES operations (id) ON DELETE CASCADE;

-- Approval requests (and their attempts, by cascade) go; incident notifications stay.
DELETE FROM incident_notifications WHERE operation_id IS NOT NULL;
ALTER TABLE incident_notification_attempts DROP COLUMN operation_id;
ALTER TABLE incident_notification_attempts ALTER COLUMN incident_id SET NOT NULL;

DROP INDEX incident_notifications_operation_idx;
ALTER TABLE incident_notifications DROP CONSTRAINT incident_notifications_event_check;
ALTER TABLE incident_notifications ADD CONSTRAINT incident_notifications_event_check CHECK (event IN ('open', 'escalation', 'acknowledge', 'resolve'));
ALTER TABLE incident_notifications DROP CONSTRAINT incident_notifications_subject_check;
ALTER TABLE incident_notifications DROP COLUMN operation_id;
ALTER TABLE incident_notifications ALTER COLUMN incident_id SET NOT NULL;

DROP TABLE escalation_roster;
DROP TABLE incident_notification_attempts;
DROP TABLE incident_notifications;
DROP TABLE incident_escalations;
DROP TABLE incident_events;
DROP TABLE incidents;

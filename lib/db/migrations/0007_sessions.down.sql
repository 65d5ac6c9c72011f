-- Everyone is signed out: the session cookies name rows that no longer exist.
DROP TABLE sessions;

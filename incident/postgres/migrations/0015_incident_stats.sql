-- The /metrics gauges count the live incidents by status and severity
-- from this index alone (SQLite's 0014).
CREATE INDEX incidents_status_severity ON incidents (status, severity);

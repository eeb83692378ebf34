-- The /metrics gauges count the live incidents by status and severity
-- from this index alone (the reports read incidents_created, of 0001).
CREATE INDEX incidents_status_severity ON incidents (status, severity);

-- The newest incident of an alert group whatever its status (a ticket that
-- opens an incident looks it up): without this index the lookup scans every
-- incident ever opened.
CREATE INDEX incidents_dedup ON incidents (source, dedup_key, id);

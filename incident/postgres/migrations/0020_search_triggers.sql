-- The search index's triggers (0008), made cheaper for the alert storm on
-- several replicas (issue 14); what they index is unchanged.
-- * A new incident's places (title, summary, labels) are written by one
--   statement, not three.
-- * An update runs the trigger only when the title, summary or labels
--   changed: the WHEN clause is checked without calling the function, and
--   most updates of an incident (its status, its channel, its ticket)
--   change none of them.
-- * An event without text calls no function.
CREATE OR REPLACE FUNCTION search_index_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM search_units WHERE incident_id = NEW.id AND field IN ('title', 'summary', 'labels');
    END IF;
    INSERT INTO search_units (incident_id, field, body)
        SELECT NEW.id, 'title', 'INC-' || NEW.id || ' ' || NEW.title
        UNION ALL
        SELECT NEW.id, 'summary', NEW.summary WHERE NEW.summary <> ''
        UNION ALL
        SELECT NEW.id, 'labels', string_agg(key || '=' || value, ' ' ORDER BY key)
            FROM jsonb_each_text(NEW.labels::jsonb) HAVING count(*) > 0;
    RETURN NULL;
END $$;
DROP TRIGGER incidents_search ON incidents;
CREATE TRIGGER incidents_search AFTER INSERT ON incidents
    FOR EACH ROW EXECUTE FUNCTION search_index_incident();
CREATE TRIGGER incidents_search_change AFTER UPDATE ON incidents
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.labels IS DISTINCT FROM NEW.labels)
    EXECUTE FUNCTION search_index_incident();

CREATE OR REPLACE FUNCTION search_index_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_units (incident_id, field, ref, body) VALUES (NEW.incident_id, 'timeline', NEW.id::text, NEW.text);
    RETURN NULL;
END $$;
DROP TRIGGER events_search ON events;
CREATE TRIGGER events_search AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.text <> '') EXECUTE FUNCTION search_index_event();

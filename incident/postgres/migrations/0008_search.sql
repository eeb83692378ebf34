-- Full-text search (issue 17), as SQLite's 0010: every searchable place of
-- an incident is a row of search_units (its title with its key, summary,
-- labels, each timeline event, each transcript message) with a tsvector
-- under a GIN index. The text is cut at punctuation and spaces before it
-- is parsed, so words are runs of letters and digits as in SQLite's FTS5
-- and in incident.SearchWords (INC-42 is the words inc and 42 on both
-- drivers). Triggers keep it current in the same transaction as each write
-- of incidents and events; the store adds the transcript's messages when
-- it writes the JSON transcript.
CREATE TABLE search_units (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL,
    field       TEXT   NOT NULL, -- title, summary, labels, timeline, transcript
    ref         TEXT   NOT NULL DEFAULT '', -- the event's or message's ID
    body        TEXT   NOT NULL,
    tsv         tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(body, '[[:punct:][:space:]]+', ' ', 'g'))) STORED
);
CREATE INDEX search_units_tsv ON search_units USING GIN (tsv) WITH (fastupdate = off);
CREATE INDEX search_units_incident ON search_units (incident_id, field);

CREATE FUNCTION search_index_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.title = NEW.title AND OLD.summary = NEW.summary AND OLD.labels = NEW.labels THEN
            RETURN NULL;
        END IF;
        DELETE FROM search_units WHERE incident_id = NEW.id AND field IN ('title', 'summary', 'labels');
    END IF;
    INSERT INTO search_units (incident_id, field, body) VALUES (NEW.id, 'title', 'INC-' || NEW.id || ' ' || NEW.title);
    IF NEW.summary <> '' THEN
        INSERT INTO search_units (incident_id, field, body) VALUES (NEW.id, 'summary', NEW.summary);
    END IF;
    INSERT INTO search_units (incident_id, field, body)
        SELECT NEW.id, 'labels', string_agg(key || '=' || value, ' ' ORDER BY key)
        FROM jsonb_each_text(NEW.labels::jsonb) HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_search AFTER INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION search_index_incident();

CREATE FUNCTION search_index_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.text <> '' THEN
        INSERT INTO search_units (incident_id, field, ref, body) VALUES (NEW.incident_id, 'timeline', NEW.id::text, NEW.text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER events_search AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION search_index_event();

-- The incidents this database held before the index: the store indexes
-- them after the migrations (search_index.go, IndexPending), in batches,
-- with its progress in the log, and deletes each batch from here.
CREATE TABLE search_pending (incident_id BIGINT PRIMARY KEY);
INSERT INTO search_pending (incident_id) SELECT id FROM incidents;

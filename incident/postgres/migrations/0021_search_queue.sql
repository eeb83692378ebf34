-- The search index is written after the commit (issue 14): the triggers of
-- 0020 no longer write search_units in the transaction of each alert, where
-- every new incident's words were inserted into the GIN index while fifty
-- other transactions inserted the same common words (half of what a new
-- incident cost PostgreSQL in an alert storm). They queue what changed in
-- search_queue instead, a plain insert; IndexQueued (search_queue.go)
-- writes the places of a batch of it in a few statements, on one replica at
-- a time, after a burst of alerts and before every search, so a search
-- still finds everything committed before it.
CREATE TABLE search_queue (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL,
    event_id    BIGINT -- the event's timeline place; NULL: the incident's title, summary and labels
);

CREATE OR REPLACE FUNCTION search_index_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (incident_id) VALUES (NEW.id);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_index_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (incident_id, event_id) VALUES (NEW.incident_id, NEW.id);
    RETURN NULL;
END $$;

-- The places the triggers of 0020 wrote stay in search_units: only the
-- changes made from here on are queued.

-- The fold of 0019 as PL/pgSQL: a LANGUAGE sql function that is not
-- inlined (unaccent is STABLE, search_fold IMMUTABLE) is parsed and planned
-- again by every statement that calls it; PL/pgSQL keeps its compiled body
-- for the session. Same results, so the stored tsv columns stay right.
DO $$
DECLARE
    s text;
BEGIN
    SELECT quote_ident(n.nspname) INTO s
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE '
        'AS %L', format('BEGIN RETURN %s.unaccent(%L::regdictionary, $1); END', s, s || '.unaccent'));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION search_text(text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE '
        'AS %L', format('BEGIN RETURN regexp_replace(%s.unaccent(%L::regdictionary, $1), %L, '' '', ''g''); END',
            s, s || '.unaccent', '[[:punct:][:space:]]+'));
END $$;

-- Full-text search (issue 17): every searchable place of an incident is a
-- row of search_units (its title with its key, summary, labels, each
-- timeline event, each transcript message), indexed by FTS5 in
-- search_fts, whose content is search_units' body (an external-content
-- table: the text is stored once, and snippets read it from there).
-- Triggers keep the index current in the same transaction as each write of
-- incidents and events; the store adds the transcript's messages when it
-- writes the JSON transcript.
CREATE TABLE search_units (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    field       TEXT    NOT NULL, -- title, summary, labels, timeline, transcript
    ref         TEXT    NOT NULL DEFAULT '', -- the event's or message's ID
    body        TEXT    NOT NULL
);
CREATE INDEX search_units_incident ON search_units (incident_id, field);
CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_units', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER search_units_ai AFTER INSERT ON search_units BEGIN
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER search_units_ad AFTER DELETE ON search_units BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

CREATE TRIGGER incidents_search_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO search_units (incident_id, field, body) VALUES (new.id, 'title', 'INC-' || new.id || ' ' || new.title);
    INSERT INTO search_units (incident_id, field, body) SELECT new.id, 'summary', new.summary WHERE new.summary <> '';
    INSERT INTO search_units (incident_id, field, body)
        SELECT new.id, 'labels', group_concat(key || '=' || value, ' ') FROM json_each(new.labels) HAVING count(*) > 0;
END;
CREATE TRIGGER incidents_search_au AFTER UPDATE OF title, summary, labels ON incidents
    WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.labels IS NOT new.labels BEGIN
    DELETE FROM search_units WHERE incident_id = new.id AND field IN ('title', 'summary', 'labels');
    INSERT INTO search_units (incident_id, field, body) VALUES (new.id, 'title', 'INC-' || new.id || ' ' || new.title);
    INSERT INTO search_units (incident_id, field, body) SELECT new.id, 'summary', new.summary WHERE new.summary <> '';
    INSERT INTO search_units (incident_id, field, body)
        SELECT new.id, 'labels', group_concat(key || '=' || value, ' ') FROM json_each(new.labels) HAVING count(*) > 0;
END;
CREATE TRIGGER events_search_ai AFTER INSERT ON events WHEN new.text <> '' BEGIN
    INSERT INTO search_units (incident_id, field, ref, body) VALUES (new.incident_id, 'timeline', new.id, new.text);
END;

-- The incidents this database held before the index: the store indexes
-- them after the migrations (search_index.go, IndexPending), in batches,
-- with its progress in the log, and deletes each batch from here.
CREATE TABLE search_pending (incident_id INTEGER PRIMARY KEY);
INSERT INTO search_pending (incident_id) SELECT id FROM incidents;

-- The archive, streamed: a document's content is kept in chunks (rows of
-- transcripts, in seq order, Markdown cut at line ends so that a search of
-- one line finds it) and described once in transcript_docs, which also
-- records where the document went. transcript_counts keeps the
-- completeness check each transcript passed.
CREATE TABLE transcript_docs (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    name         TEXT    NOT NULL,
    format       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    -- When the document was placed: 'ticket' (stored there and read back
    -- with an equal hash) or 'local' (kept in warroom only, for reason).
    -- Rows from before this migration keep verified_at with placement ''.
    verified_at  INTEGER,
    placement    TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, name)
);
INSERT INTO transcript_docs (incident_id, name, format, content_type, size, sha256, created_at, verified_at)
    SELECT incident_id, name, format, content_type, length(content), sha256, created_at, verified_at FROM transcripts;

CREATE TABLE transcript_chunks (
    incident_id INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    format      TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    PRIMARY KEY (incident_id, name, seq),
    FOREIGN KEY (incident_id, name) REFERENCES transcript_docs (incident_id, name) ON DELETE CASCADE
);
INSERT INTO transcript_chunks (incident_id, name, seq, format, content)
    SELECT incident_id, name, 0, format, content FROM transcripts;
DROP TABLE transcripts;
-- The incident search reads transcripts (format, content): the chunks.
CREATE VIEW transcripts AS SELECT incident_id, name, seq, format, content FROM transcript_chunks;

CREATE TABLE transcript_counts (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
    archived    INTEGER NOT NULL,
    server      INTEGER NOT NULL,
    accounted   INTEGER NOT NULL,
    basis       TEXT    NOT NULL,
    detail      TEXT    NOT NULL, -- the whole check as JSON
    checked_at  INTEGER NOT NULL
);

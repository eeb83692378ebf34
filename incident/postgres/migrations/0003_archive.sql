-- The archive, streamed (SQLite's 0002): a document described once in
-- transcript_docs and its content in chunks, in seq order.
CREATE TABLE transcript_docs (
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    name         TEXT   NOT NULL,
    format       TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    verified_at  BIGINT,
    placement    TEXT   NOT NULL DEFAULT '',
    reason       TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, name)
);
CREATE TABLE transcript_chunks (
    incident_id BIGINT NOT NULL,
    name        TEXT   NOT NULL,
    seq         BIGINT NOT NULL,
    format      TEXT   NOT NULL,
    content     BYTEA  NOT NULL,
    PRIMARY KEY (incident_id, name, seq),
    FOREIGN KEY (incident_id, name) REFERENCES transcript_docs (incident_id, name) ON DELETE CASCADE
);
-- The incident search reads transcripts (format, content): the chunks.
CREATE VIEW transcripts AS SELECT incident_id, name, seq, format, content FROM transcript_chunks;

CREATE TABLE transcript_counts (
    incident_id BIGINT PRIMARY KEY REFERENCES incidents (id),
    archived    BIGINT NOT NULL,
    server      BIGINT NOT NULL,
    accounted   BIGINT NOT NULL,
    basis       TEXT   NOT NULL,
    detail      TEXT   NOT NULL, -- the whole check as JSON
    checked_at  BIGINT NOT NULL
);

-- Incidents, their timelines, the durable jobs and the stored transcripts.
-- Times are Unix nanoseconds (UTC); NULL means "not yet".
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    summary         TEXT    NOT NULL DEFAULT '',
    severity        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    status_msg      TEXT    NOT NULL DEFAULT '',
    source          TEXT    NOT NULL,
    dedup_key       TEXT    NOT NULL DEFAULT '',
    labels          TEXT    NOT NULL DEFAULT '{}',
    links           TEXT    NOT NULL DEFAULT '[]',
    commander       TEXT    NOT NULL DEFAULT '',
    channel_backend TEXT    NOT NULL DEFAULT '',
    channel_id      TEXT    NOT NULL DEFAULT '',
    channel_name    TEXT    NOT NULL DEFAULT '',
    channel_url     TEXT    NOT NULL DEFAULT '',
    ticket_backend  TEXT    NOT NULL DEFAULT '',
    ticket_key      TEXT    NOT NULL DEFAULT '',
    ticket_url      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    acked_at        INTEGER,
    acked_by        TEXT    NOT NULL DEFAULT '',
    resolved_at     INTEGER,
    closed_at       INTEGER,
    closed_by       TEXT    NOT NULL DEFAULT '',
    close_reason    TEXT    NOT NULL DEFAULT '',
    archived_at     INTEGER,
    graph_queries   TEXT    NOT NULL DEFAULT '[]'
);
-- One live incident per alert group: repeats land in it, not in a new one.
CREATE UNIQUE INDEX incidents_active_dedup ON incidents (source, dedup_key)
    WHERE dedup_key <> '' AND status IN ('open', 'acked', 'resolved');
CREATE INDEX incidents_channel ON incidents (channel_backend, channel_id);
CREATE INDEX incidents_created ON incidents (created_at);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    kind        TEXT    NOT NULL,
    actor       TEXT    NOT NULL DEFAULT '',
    text        TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    ref         TEXT
);
-- A replayed notification or a second pin of the same message adds nothing.
CREATE UNIQUE INDEX events_ref ON events (incident_id, kind, ref) WHERE ref IS NOT NULL;
CREATE INDEX events_incident ON events (incident_id, at);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    lane         TEXT    NOT NULL,
    key          TEXT    NOT NULL UNIQUE,
    payload      TEXT,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 0,
    run_at       INTEGER NOT NULL,
    locked_until INTEGER,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_lane ON jobs (incident_id, lane, state, id);

-- The archive's documents as warroom keeps them: the Markdown and JSON
-- transcripts and the files copied from the channel.
CREATE TABLE transcripts (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    name         TEXT    NOT NULL,
    format       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    sha256       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    verified_at  INTEGER,
    PRIMARY KEY (incident_id, name)
);

-- Messages warroom posted that it edits later (the status post), by slot.
CREATE TABLE chat_posts (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    slot        TEXT    NOT NULL,
    post_id     TEXT    NOT NULL,
    PRIMARY KEY (incident_id, slot)
);

-- The newest change seen of each ticket, so that late webhook deliveries of
-- older changes are ignored.
CREATE TABLE ticket_marks (
    backend    TEXT    NOT NULL,
    ticket_key TEXT    NOT NULL,
    changed_at INTEGER NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (backend, ticket_key)
);
CREATE INDEX incidents_ticket ON incidents (ticket_backend, ticket_key);

-- Incidents, their timelines, the chat posts warroom edits and the ticket
-- marks: the tables of SQLite's 0001, 0004 and 0007 at their current shape.
-- Times are Unix nanoseconds (UTC) in BIGINT, as in SQLite; NULL means
-- "not yet". timestamptz keeps microseconds only, and a time read back
-- must equal the one written on both drivers.
CREATE TABLE incidents (
    id              BIGSERIAL PRIMARY KEY,
    title           TEXT   NOT NULL,
    summary         TEXT   NOT NULL DEFAULT '',
    severity        TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    status_msg      TEXT   NOT NULL DEFAULT '',
    source          TEXT   NOT NULL,
    dedup_key       TEXT   NOT NULL DEFAULT '',
    labels          TEXT   NOT NULL DEFAULT '{}',
    links           TEXT   NOT NULL DEFAULT '[]',
    commander       TEXT   NOT NULL DEFAULT '',
    channel_backend TEXT   NOT NULL DEFAULT '',
    channel_id      TEXT   NOT NULL DEFAULT '',
    channel_name    TEXT   NOT NULL DEFAULT '',
    channel_url     TEXT   NOT NULL DEFAULT '',
    ticket_backend  TEXT   NOT NULL DEFAULT '',
    ticket_key      TEXT   NOT NULL DEFAULT '',
    ticket_url      TEXT   NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    acked_at        BIGINT,
    acked_by        TEXT   NOT NULL DEFAULT '',
    resolved_at     BIGINT,
    closed_at       BIGINT,
    closed_by       TEXT   NOT NULL DEFAULT '',
    close_reason    TEXT   NOT NULL DEFAULT '',
    archived_at     BIGINT,
    graph_queries   TEXT   NOT NULL DEFAULT '[]'
);
-- One live incident per alert group: repeats land in it, not in a new one,
-- whichever replica they reach.
CREATE UNIQUE INDEX incidents_active_dedup ON incidents (source, dedup_key)
    WHERE dedup_key <> '' AND status IN ('open', 'acked', 'resolved');
CREATE INDEX incidents_channel ON incidents (channel_backend, channel_id);
CREATE INDEX incidents_created ON incidents (created_at);
CREATE INDEX incidents_ticket ON incidents (ticket_backend, ticket_key);
CREATE INDEX incidents_dedup ON incidents (source, dedup_key, id);

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    kind        TEXT   NOT NULL,
    actor       TEXT   NOT NULL DEFAULT '',
    text        TEXT   NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    ref         TEXT,
    from_status TEXT   NOT NULL DEFAULT '',
    to_status   TEXT   NOT NULL DEFAULT ''
);
-- A replayed notification or a second pin of the same message adds nothing.
CREATE UNIQUE INDEX events_ref ON events (incident_id, kind, ref) WHERE ref IS NOT NULL;
CREATE INDEX events_incident ON events (incident_id, at);

-- Messages warroom posted that it edits later (the status post), by slot.
CREATE TABLE chat_posts (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    slot        TEXT   NOT NULL,
    post_id     TEXT   NOT NULL,
    PRIMARY KEY (incident_id, slot)
);

-- The newest change seen of each ticket, so that late webhook deliveries of
-- older changes are ignored.
CREATE TABLE ticket_marks (
    backend    TEXT   NOT NULL,
    ticket_key TEXT   NOT NULL,
    changed_at BIGINT NOT NULL,
    seq        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (backend, ticket_key)
);

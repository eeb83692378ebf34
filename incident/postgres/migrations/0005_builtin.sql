-- The builtin chat backend's and ticket system's tables (SQLite's 0006).
-- Flags are BOOLEAN (SQLite's 0/1 integers); builtin_files.seq keeps the
-- order files were added in (SQLite's rowid).
CREATE TABLE builtin_channels (
    id           TEXT   PRIMARY KEY,
    incident_key TEXT   NOT NULL UNIQUE,
    name         TEXT   NOT NULL UNIQUE,
    display_name TEXT   NOT NULL,
    purpose      TEXT   NOT NULL DEFAULT '',
    header       TEXT   NOT NULL DEFAULT '',
    members      TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE TABLE builtin_messages (
    seq        BIGSERIAL PRIMARY KEY,
    id         TEXT    NOT NULL UNIQUE,
    channel_id TEXT    NOT NULL REFERENCES builtin_channels (id) ON DELETE CASCADE,
    thread_id  TEXT    NOT NULL DEFAULT '',
    author     TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    card       TEXT    NOT NULL DEFAULT '',
    system     BOOLEAN NOT NULL DEFAULT false,
    post_key   TEXT    UNIQUE,
    pinned     BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT  NOT NULL,
    edited_at  BIGINT
);
CREATE INDEX builtin_messages_channel ON builtin_messages (channel_id, seq);
CREATE TABLE builtin_tickets (
    key        TEXT   PRIMARY KEY,
    title      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE builtin_ticket_files (
    ticket_key   TEXT   NOT NULL REFERENCES builtin_tickets (key),
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    content      BYTEA  NOT NULL,
    stored_at    BIGINT NOT NULL,
    PRIMARY KEY (ticket_key, name)
);
CREATE TABLE builtin_ticket_chunks (
    ticket_key TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    seq        BIGINT NOT NULL,
    content    BYTEA  NOT NULL,
    PRIMARY KEY (ticket_key, name, seq),
    FOREIGN KEY (ticket_key, name) REFERENCES builtin_ticket_files (ticket_key, name) ON DELETE CASCADE
);
CREATE TABLE builtin_files (
    id         TEXT   PRIMARY KEY,
    seq        BIGSERIAL,
    message_id TEXT   NOT NULL REFERENCES builtin_messages (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    size       BIGINT NOT NULL,
    data       BYTEA  NOT NULL
);
CREATE INDEX builtin_files_message ON builtin_files (message_id);

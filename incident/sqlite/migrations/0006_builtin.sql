-- The builtin chat backend's and ticket system's tables, which builtin.New
-- used to create itself (integrations/builtin/schema.sql, outside the
-- versioned migrations). Each statement keeps IF NOT EXISTS, and each table
-- its definition as that file had it, so that a database made before this
-- migration keeps its tables and rows as they are and one made after gets
-- the same tables; TestMigration0006KeepsBuiltinRows checks both.
CREATE TABLE IF NOT EXISTS builtin_channels (
    id           TEXT    PRIMARY KEY,
    incident_key TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL UNIQUE,
    display_name TEXT    NOT NULL,
    purpose      TEXT    NOT NULL DEFAULT '',
    header       TEXT    NOT NULL DEFAULT '',
    members      TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS builtin_messages (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    channel_id TEXT    NOT NULL REFERENCES builtin_channels (id) ON DELETE CASCADE,
    thread_id  TEXT    NOT NULL DEFAULT '',
    author     TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    card       TEXT    NOT NULL DEFAULT '',
    system     INTEGER NOT NULL DEFAULT 0,
    post_key   TEXT    UNIQUE,
    pinned     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    edited_at  INTEGER
);
CREATE INDEX IF NOT EXISTS builtin_messages_channel ON builtin_messages (channel_id, seq);
CREATE TABLE IF NOT EXISTS builtin_tickets (
    key        TEXT    PRIMARY KEY,
    title      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS builtin_ticket_files (
    ticket_key   TEXT    NOT NULL REFERENCES builtin_tickets (key),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    stored_at    INTEGER NOT NULL,
    PRIMARY KEY (ticket_key, name)
);
-- A ticket document stored as a stream: its row's content is empty and
-- its bytes are these chunks, in seq order.
CREATE TABLE IF NOT EXISTS builtin_ticket_chunks (
    ticket_key TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    content    BLOB    NOT NULL,
    PRIMARY KEY (ticket_key, name, seq),
    FOREIGN KEY (ticket_key, name) REFERENCES builtin_ticket_files (ticket_key, name) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS builtin_files (
    id         TEXT    PRIMARY KEY,
    message_id TEXT    NOT NULL REFERENCES builtin_messages (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS builtin_files_message ON builtin_files (message_id);

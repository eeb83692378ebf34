-- Web UI sessions: one row per signed-in browser. The cookie holds a random
-- id; only its SHA-256 is stored, so a copy of the database signs nobody in.
-- token_fp ties a session to the api.token it was made under: when the
-- token changes, every older session stops working.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    token_fp   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    flash_kind TEXT NOT NULL DEFAULT '',
    flash_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions (expires_at);

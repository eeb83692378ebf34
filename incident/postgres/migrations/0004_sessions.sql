-- Web UI sessions (SQLite's 0005), shared by every replica: a session made
-- on one is valid on the others. Only the SHA-256 of the cookie's id is stored.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_name  TEXT   NOT NULL,
    csrf       TEXT   NOT NULL,
    token_fp   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    flash_kind TEXT   NOT NULL DEFAULT '',
    flash_text TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions (expires_at);

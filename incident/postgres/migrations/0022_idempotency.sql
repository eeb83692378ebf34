-- Idempotency keys (SQLite's 0021): the requests an API client made with
-- an Idempotency-Key header, reserved before they run and with their
-- answer once done, kept until expires_at for the client's retries; every
-- replica reads and reserves them here.
CREATE TABLE idempotency_keys (
    caller      TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state       TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    body        TEXT NOT NULL DEFAULT '',
    location    TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_expiry ON idempotency_keys (expires_at);

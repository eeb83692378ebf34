-- Idempotency keys: the requests an API client made with an
-- Idempotency-Key header, reserved (state running) before they run and
-- with their answer once done, kept until expires_at (a day) for the
-- client's retries. idempotency_expiry serves the pruning.
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
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_expiry ON idempotency_keys (expires_at);

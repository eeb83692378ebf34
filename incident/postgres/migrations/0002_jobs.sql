-- Durable jobs (SQLite's 0001 and 0003). head marks the head of a lane:
-- the oldest pending or running job of an incident and lane; only heads
-- are claimable. Every transaction that moves a lane's head holds the
-- lane's advisory lock (jobs.go), so replicas keep each lane in order.
-- token fences a claim: it grows with every claim, and only the newest
-- claim's worker may renew the lease or record the outcome.
CREATE TABLE jobs (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    backend       TEXT    NOT NULL DEFAULT '',
    incident_id   BIGINT  NOT NULL REFERENCES incidents (id),
    lane          TEXT    NOT NULL,
    key           TEXT    NOT NULL UNIQUE,
    payload       TEXT,
    state         TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 0,
    run_at        BIGINT  NOT NULL,
    locked_until  BIGINT,
    last_error    TEXT    NOT NULL DEFAULT '',
    failure       TEXT    NOT NULL DEFAULT '',
    failing_since BIGINT,
    head          BOOLEAN NOT NULL DEFAULT false,
    token         BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX jobs_lane ON jobs (incident_id, lane, state, id);
CREATE UNIQUE INDEX jobs_lane_head ON jobs (incident_id, lane) WHERE head;
CREATE INDEX jobs_head_due ON jobs (kind, run_at, id) WHERE head AND state = 'pending';
CREATE INDEX jobs_lapsed ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_done ON jobs (updated_at) WHERE state = 'done';
CREATE INDEX jobs_parked ON jobs (backend, failure, id) WHERE state = 'parked';
CREATE INDEX jobs_state ON jobs (state, id);

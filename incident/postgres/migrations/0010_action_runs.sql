-- The runs of ChatOps actions (SQLite's 0012): one row per request, with
-- its state, outcome and output.
CREATE TABLE action_runs (
    id           BIGSERIAL PRIMARY KEY,
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    action       TEXT NOT NULL,
    params       TEXT NOT NULL DEFAULT '{}',
    actor        TEXT NOT NULL,
    state        TEXT NOT NULL,
    confirmed_by TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    ok           BOOLEAN NOT NULL DEFAULT FALSE,
    outcome      TEXT NOT NULL DEFAULT '',
    output       BYTEA,
    output_post  TEXT NOT NULL DEFAULT '',
    requested_at BIGINT NOT NULL,
    started_at   BIGINT,
    finished_at  BIGINT
);
CREATE INDEX action_runs_incident ON action_runs (incident_id);

-- The runs of ChatOps actions (issue 18): one row per request, with its
-- state (requested -> confirmed -> started -> finished or unknown), its
-- outcome and its output. A run is marked started in its own committed
-- transaction before it executes, so that it never runs twice.
CREATE TABLE action_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    action       TEXT NOT NULL,
    params       TEXT NOT NULL DEFAULT '{}',
    actor        TEXT NOT NULL,
    state        TEXT NOT NULL,
    confirmed_by TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    ok           INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL DEFAULT '',
    output       BLOB,
    output_post  TEXT NOT NULL DEFAULT '',
    requested_at INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
);
CREATE INDEX action_runs_incident ON action_runs (incident_id);

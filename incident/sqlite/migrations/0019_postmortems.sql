-- Postmortems (issue 17): one row per incident with its review state and
-- where its stored copy is, and every revision with its author and time.
-- Revision 1 is warroom's draft; (incident_id, n) makes a concurrent save
-- of the same revision fail instead of overwriting. PostgreSQL's 0017.
CREATE TABLE postmortems (
    incident_id     INTEGER PRIMARY KEY REFERENCES incidents (id),
    state           TEXT    NOT NULL DEFAULT 'draft',
    revision        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    reviewed_by     TEXT    NOT NULL DEFAULT '',
    reviewed_at     INTEGER,
    stored_revision INTEGER NOT NULL DEFAULT 0,
    stored_in       TEXT    NOT NULL DEFAULT '',
    stored_at       INTEGER
);
CREATE INDEX postmortems_review ON postmortems (state, created_at, incident_id);
CREATE TABLE postmortem_revisions (
    incident_id INTEGER NOT NULL REFERENCES postmortems (incident_id),
    n           INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    PRIMARY KEY (incident_id, n)
);

-- Follow-ups (SQLite's 0020): the action items of incidents, their state
-- and the ticket each becomes when the incident closes.
CREATE TABLE followups (
    id             BIGSERIAL PRIMARY KEY,
    incident_id    BIGINT NOT NULL REFERENCES incidents (id),
    text           TEXT NOT NULL,
    actor          TEXT NOT NULL,
    state          TEXT NOT NULL,
    ticket_backend TEXT NOT NULL DEFAULT '',
    ticket_key     TEXT NOT NULL DEFAULT '',
    ticket_url     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    changed_at     BIGINT NOT NULL,
    changed_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX followups_incident ON followups (incident_id, id);
CREATE INDEX followups_ticket ON followups (ticket_backend, ticket_key) WHERE ticket_key <> '';

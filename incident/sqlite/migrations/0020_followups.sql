-- Follow-ups (issue 17 item 3): the action items recorded during or after
-- an incident, their state (open or done) and the ticket each becomes when
-- the incident closes (empty until then). ticket_backend and ticket_key
-- find the follow-up of a ticket the ticket system's webhook names.
CREATE TABLE followups (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id    INTEGER NOT NULL REFERENCES incidents (id),
    text           TEXT NOT NULL,
    actor          TEXT NOT NULL,
    state          TEXT NOT NULL,
    ticket_backend TEXT NOT NULL DEFAULT '',
    ticket_key     TEXT NOT NULL DEFAULT '',
    ticket_url     TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    changed_at     INTEGER NOT NULL,
    changed_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX followups_incident ON followups (incident_id, id);
CREATE INDEX followups_ticket ON followups (ticket_backend, ticket_key) WHERE ticket_key <> '';

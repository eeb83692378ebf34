-- Durable jobs that keep up in a storm (issue 12).
-- head = 1 marks the head of a lane: the oldest pending or running job of
-- an incident and lane. Only heads are claimable, through jobs_head_due, so
-- a claim costs the same with 0 or 100,000 jobs waiting. Enqueue, finish,
-- park and the retries of parked jobs keep it in their transaction.
ALTER TABLE jobs ADD COLUMN head INTEGER NOT NULL DEFAULT 0;
-- token fences a claim: it grows with every claim, and only the newest
-- claim's worker may renew the lease or record the outcome.
ALTER TABLE jobs ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
-- The backend a job talks to, for limits, resumes and counts.
ALTER TABLE jobs ADD COLUMN backend TEXT NOT NULL DEFAULT '';
-- Why the job is failing (transient, permanent, internal) and since when.
ALTER TABLE jobs ADD COLUMN failure TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN failing_since INTEGER;

-- The kinds' backends as they were when this migration was written; new
-- jobs get theirs from incident.jobKinds.
UPDATE jobs SET backend = CASE
    WHEN kind IN ('ticket.open', 'archive.store', 'ticket.comment', 'ticket.close') THEN 'tickets'
    WHEN kind IN ('page.notify', 'page.upstream') THEN 'paging'
    WHEN kind = 'upstream.ack' THEN 'upstream'
    WHEN kind = 'page.step' THEN 'internal'
    WHEN kind IN ('chat.graphs', 'chat.graph') THEN 'prometheus'
    ELSE 'chat' END;

UPDATE jobs SET head = 1 WHERE state IN ('pending', 'running') AND id = (
    SELECT min(e.id) FROM jobs e WHERE e.incident_id = jobs.incident_id AND e.lane = jobs.lane
    AND e.state IN ('pending', 'running'));

CREATE UNIQUE INDEX jobs_lane_head ON jobs (incident_id, lane) WHERE head = 1;
CREATE INDEX jobs_head_due ON jobs (kind, run_at, id) WHERE head = 1 AND state = 'pending';
CREATE INDEX jobs_lapsed ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_done ON jobs (updated_at) WHERE state = 'done';
CREATE INDEX jobs_parked ON jobs (backend, failure, id) WHERE state = 'parked';
DROP INDEX jobs_due;
CREATE INDEX jobs_state ON jobs (state, id);

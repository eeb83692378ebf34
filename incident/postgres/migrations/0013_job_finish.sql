-- A job's finish in one statement (one round trip, its own transaction),
-- where it was a transaction of five: the lane's lock, the fenced update
-- of the job, the next head of its lane. p_lane_key is the lane's
-- advisory lock key (laneKey in jobs.go). Each statement of a VOLATILE
-- function reads a new snapshot, so the head is chosen after the lock,
-- from every commit of the lane's earlier holders. Returns false, and
-- changes nothing, when the lease is not the newest (ErrLeaseLost).
CREATE FUNCTION warroom_finish_job(p_id BIGINT, p_token BIGINT, p_lane_key BIGINT, p_now BIGINT)
RETURNS BOOLEAN LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_incident BIGINT;
    v_lane     TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lane_key);
    UPDATE jobs SET state = 'done', head = false, locked_until = NULL, last_error = '', failure = '',
            failing_since = NULL, updated_at = p_now
        WHERE id = p_id AND token = p_token AND state = 'running'
        RETURNING incident_id, lane INTO v_incident, v_lane;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE jobs SET head = true WHERE NOT head AND id = (SELECT min(id) FROM jobs
        WHERE incident_id = v_incident AND lane = v_lane AND state IN ('pending', 'running'));
    RETURN true;
END
$$;

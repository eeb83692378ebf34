package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// actionRunColumns are the columns of action_runs in scanActionRun's order.
const actionRunColumns = `id, incident_id, action, params, actor, state, confirmed_by, attempts, ok, outcome, output, output_post,
	requested_at, started_at, finished_at`

func scanActionRun(row scanner) (*incident.ActionRun, error) {
	var r incident.ActionRun
	var params, state string
	var requested int64
	var started, finished sql.NullInt64
	err := row.Scan(&r.ID, &r.IncidentID, &r.Action, &params, &r.Actor, &state, &r.ConfirmedBy, &r.Attempts, &r.OK, &r.Outcome,
		&r.Output, &r.OutputPost, &requested, &started, &finished)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(params), &r.Params); err != nil {
		return nil, fmt.Errorf("run %d params: %w", r.ID, err)
	}
	r.State, r.RequestedAt, r.StartedAt, r.FinishedAt = incident.RunState(state), fromNanos(requested), nullTime(started), nullTime(finished)
	return &r, nil
}

func getActionRun(ctx context.Context, q Queryer, id int64, lock string) (*incident.ActionRun, error) {
	r, err := scanActionRun(q.QueryRowContext(ctx, `SELECT `+actionRunColumns+` FROM action_runs WHERE id = ?`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "run %d does not exist", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	return r, nil
}

// ActionRun returns one run of an action, or a KindNotFound error.
func (d Dialect) ActionRun(ctx context.Context, q Queryer, id int64) (*incident.ActionRun, error) {
	return getActionRun(ctx, q, id, "")
}

// LockActionRun is ActionRun in a transaction that may change the run:
// the row stays locked until the transaction ends, so that two replicas
// never both start it.
func (d Dialect) LockActionRun(ctx context.Context, q Queryer, id int64) (*incident.ActionRun, error) {
	return getActionRun(ctx, q, id, d.ForNoKeyUpdate)
}

// CreateActionRun stores a new run and sets its ID.
func (d Dialect) CreateActionRun(ctx context.Context, q Queryer, r *incident.ActionRun) error {
	params, err := json.Marshal(nonNilMap(r.Params))
	if err != nil {
		return fmt.Errorf("encode run params: %w", err)
	}
	id, err := d.insert(ctx, q, `INSERT INTO action_runs (incident_id, action, params, actor, state, confirmed_by, attempts, ok,
		outcome, output, output_post, requested_at, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.IncidentID, r.Action, string(params), r.Actor, string(r.State), r.ConfirmedBy, r.Attempts, r.OK, r.Outcome, r.Output, r.OutputPost,
		nanos(r.RequestedAt), timeArg(r.StartedAt), timeArg(r.FinishedAt))
	if err != nil {
		return fmt.Errorf("insert run of %s: %w", r.Action, err)
	}
	r.ID = id
	return nil
}

// UpdateActionRun writes every field of a run but its incident and
// request time, or returns a KindNotFound error when it does not exist.
func (d Dialect) UpdateActionRun(ctx context.Context, q Queryer, r *incident.ActionRun) error {
	params, err := json.Marshal(nonNilMap(r.Params))
	if err != nil {
		return fmt.Errorf("encode run params: %w", err)
	}
	res, err := q.ExecContext(ctx, `UPDATE action_runs SET action = ?, params = ?, actor = ?, state = ?, confirmed_by = ?, attempts = ?,
		ok = ?, outcome = ?, output = ?, output_post = ?, started_at = ?, finished_at = ? WHERE id = ?`,
		r.Action, string(params), r.Actor, string(r.State), r.ConfirmedBy, r.Attempts, r.OK, r.Outcome, r.Output, r.OutputPost,
		timeArg(r.StartedAt), timeArg(r.FinishedAt), r.ID)
	if err != nil {
		return fmt.Errorf("update run %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return incident.Errorf(incident.KindNotFound, "run %d does not exist", r.ID)
	}
	return nil
}

// nonNilMap stores a nil map as {}, which reads back as an empty map.
func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

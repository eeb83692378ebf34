package riverlane

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	_ "modernc.org/sqlite"
)

// LaneArgs names the lane a runner job drains; one runner per lane at a time.
type LaneArgs struct {
	Lane string `json:"lane" river:"unique"`
}

// Kind implements river.JobArgs.
func (LaneArgs) Kind() string { return "lane_runner" }

// InsertOpts makes the runner unique per lane while it is waiting or running,
// but not once completed, so the next enqueue after a drain starts a new one.
func (LaneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// LaneWorker drains its lane's outbox in order, one row per transaction,
// and completes itself in the transaction that finds the lane empty, so a
// row enqueued meanwhile either is seen or starts a new runner.
type LaneWorker struct {
	river.WorkerDefaults[LaneArgs]
	DB   *sql.DB
	Done atomic.Int64
}

// Work implements river.Worker.
func (w *LaneWorker) Work(ctx context.Context, job *river.Job[LaneArgs]) error {
	for {
		tx, err := w.DB.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM outbox WHERE lane = ? AND done = 0 ORDER BY id LIMIT 1`, job.Args.Lane).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job); err != nil {
				tx.Rollback()
				return err
			}
			return tx.Commit()
		}
		if err != nil {
			tx.Rollback()
			return err
		}
		// The side effect would run here, before the row is marked done.
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET done = 1 WHERE id = ?`, id); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		w.Done.Add(1)
	}
}

// Open opens the SQLite file the way riversqlite's doc asks (one
// connection), applies River's migrations and creates the outbox.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	m, err := rivermigrate.New(riversqlite.New(db), nil)
	if err != nil {
		return nil, err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrate river: %w", err)
	}
	_, err = db.ExecContext(ctx, `CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, lane TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
		CREATE INDEX outbox_lane ON outbox (lane, done, id)`)
	return db, err
}

// Enqueue adds a row to a lane's outbox and makes sure its runner exists,
// in one transaction.
func Enqueue(ctx context.Context, db *sql.DB, client *river.Client[*sql.Tx], lane string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (lane) VALUES (?)`, lane); err != nil {
		return err
	}
	if _, err := client.InsertTx(ctx, tx, LaneArgs{Lane: lane}, nil); err != nil {
		return err
	}
	return tx.Commit()
}

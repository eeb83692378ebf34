// Package builtin is warroom's embedded chat backend and ticket system. Its
// channels, messages and tickets live in warroom's own database, and the web
// UI shows each live channel as a page where people read and type, so that
// warroom runs with nothing else installed.
package builtin

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

//go:embed schema.sql
var schema string

// Backend is the builtin chat backend and ticket system.
type Backend struct {
	db        *sql.DB
	publicURL string
	clock     incident.Clock
}

// New creates the builtin backend's tables in db if they are missing.
// publicURL is where warroom's web UI is reached, for channel and ticket links.
func New(ctx context.Context, db *sql.DB, publicURL string, clock incident.Clock) (*Backend, error) {
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("create builtin chat tables: %w", err)
	}
	return &Backend{db: db, publicURL: publicURL, clock: clock}, nil
}

// Name is the backend's name in config and in channel and ticket references.
const Name = "builtin"

// Backend names the backend.
func (b *Backend) Backend() string { return Name }

func newID() string {
	var buf [10]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(buf[:])
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

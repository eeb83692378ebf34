package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// Status changes keep their from and to status; those recorded before
// migration 0007 get them from their text.
func TestEventsCarryTheirStatuses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	inc := &incident.Incident{Title: "t", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api"}
	now := time.Now()
	err = db.Update(ctx, func(tx incident.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		_, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventStatusChanged, Text: "acked → resolved: fixed",
			At: now.Add(time.Second), RecordedAt: now, From: incident.StatusAcked, To: incident.StatusResolved})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := db.Events(ctx, inc.ID); err != nil || len(evs) != 1 || evs[0].From != incident.StatusAcked || evs[0].To != incident.StatusResolved {
		t.Fatalf("stored status change reads back as %+v (%v), want acked → resolved", evs, err)
	}
	// Rows as a warroom before 0007 wrote them, then the schema of then.
	for _, q := range []string{
		`INSERT INTO events (incident_id, kind, actor, text, at, recorded_at) VALUES (1, 'status_changed', 'a', 'open → acked', 1, 1)`,
		`INSERT INTO events (incident_id, kind, actor, text, at, recorded_at) VALUES (1, 'status_changed', 'a', 'resolved → open: alerts firing again', 2, 2)`,
		`INSERT INTO events (incident_id, kind, actor, text, at, recorded_at) VALUES (1, 'note', 'a', 'a → b: not a status change', 3, 3)`,
	} {
		if _, err := db.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE version = '0007_event_status'`,
		`ALTER TABLE events DROP COLUMN from_status`,
		`ALTER TABLE events DROP COLUMN to_status`,
	} {
		if _, err := db.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = Open(ctx, path, incident.SystemClock{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.Events(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text     string
		from, to incident.Status
	}{
		{"open → acked", incident.StatusOpen, incident.StatusAcked},
		{"resolved → open: alerts firing again", incident.StatusResolved, incident.StatusOpen},
		{"a → b: not a status change", "", ""},
		{"acked → resolved: fixed", incident.StatusAcked, incident.StatusResolved},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d", len(evs), len(want))
	}
	for i, w := range want {
		if evs[i].Text != w.text || evs[i].From != w.from || evs[i].To != w.to {
			t.Errorf("event %d: %q %q → %q, want %q %q → %q", i, evs[i].Text, evs[i].From, evs[i].To, w.text, w.from, w.to)
		}
	}
}

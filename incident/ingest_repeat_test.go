package incident_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// writeCounter is a store that counts its write transactions.
type writeCounter struct {
	incident.Store
	writes int
}

func (w *writeCounter) Update(ctx context.Context, fn func(incident.Tx) error) error {
	w.writes++
	return w.Store.Update(ctx, fn)
}

// A notification that repeats one already applied is answered from one
// read, with no write; each that changes something still writes: a new
// alert, a new link, a resolve, a firing alert on an incident a person
// resolved, and a firing alert after the close (a new incident).
func TestRepeatedNotificationWritesNothing(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := &writeCounter{Store: db}
	svc := incident.NewService(incident.Deps{Store: store, Renderer: plainRenderer{}, Clock: incident.SystemClock{}, Tickets: stuckTickets{}})
	r := incident.NewRunner(db, incident.RunnerConfig{}, incident.SystemClock{}, slog.New(slog.DiscardHandler))
	svc.RegisterJobs(r)

	start := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC)
	alert := func(fp string, firing bool) incident.Alert {
		a := incident.Alert{Fingerprint: fp, Firing: firing, Name: "DiskFull", StartsAt: start}
		if !firing {
			a.EndsAt = start.Add(time.Minute)
		}
		return a
	}
	group := func(links []incident.Link, alerts ...incident.Alert) incident.AlertGroup {
		return incident.AlertGroup{Source: "alertmanager", DedupKey: "disk", Title: "disk full",
			Labels: map[string]string{"severity": "high"}, Links: links, Alerts: alerts}
	}
	runbook := []incident.Link{{Title: "runbook", URL: "https://runbooks.example/disk"}}
	steps := []struct {
		name      string
		do        func() (incident.IngestResult, error)
		writes    int
		created   bool
		status    incident.Status
		newKeyNow bool // a different incident than the first
	}{
		{"first opens", func() (incident.IngestResult, error) { return svc.IngestAlerts(ctx, group(nil, alert("a", true))) }, 1, true, incident.StatusOpen, false},
		{"same again", func() (incident.IngestResult, error) { return svc.IngestAlerts(ctx, group(nil, alert("a", true))) }, 0, false, incident.StatusOpen, false},
		{"a second alert", func() (incident.IngestResult, error) {
			return svc.IngestAlerts(ctx, group(nil, alert("a", true), alert("b", true)))
		}, 1, false, incident.StatusOpen, false},
		{"both again", func() (incident.IngestResult, error) {
			return svc.IngestAlerts(ctx, group(nil, alert("b", true), alert("a", true)))
		}, 0, false, incident.StatusOpen, false},
		{"a new link", func() (incident.IngestResult, error) { return svc.IngestAlerts(ctx, group(runbook, alert("a", true))) }, 1, false, incident.StatusOpen, false},
		{"the link again", func() (incident.IngestResult, error) { return svc.IngestAlerts(ctx, group(runbook, alert("a", true))) }, 0, false, incident.StatusOpen, false},
		{"resolved by a person", func() (incident.IngestResult, error) {
			inc, err := svc.Resolve(ctx, "INC-1", "alice", "fixed by hand")
			return incident.IngestResult{Incident: inc}, err
		}, 1, false, incident.StatusResolved, false},
		{"still firing: reopens", func() (incident.IngestResult, error) { return svc.IngestAlerts(ctx, group(nil, alert("a", true))) }, 1, false, incident.StatusOpen, false},
		{"both resolve", func() (incident.IngestResult, error) {
			return svc.IngestAlerts(ctx, group(nil, alert("a", false), alert("b", false)))
		}, 1, false, incident.StatusResolved, false},
		{"the resolve again", func() (incident.IngestResult, error) {
			return svc.IngestAlerts(ctx, group(nil, alert("a", false), alert("b", false)))
		}, 0, false, incident.StatusResolved, false},
		{"closed", func() (incident.IngestResult, error) {
			inc, err := svc.Close(ctx, "INC-1", "alice", "done")
			return incident.IngestResult{Incident: inc}, err
		}, 1, false, incident.StatusClosed, false},
		{"firing after the close opens another", func() (incident.IngestResult, error) {
			return svc.IngestAlerts(ctx, group(nil, alert("a", true)))
		}, 1, true, incident.StatusOpen, true},
	}
	for _, st := range steps {
		before := store.writes
		res, err := st.do()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := store.writes - before; got != st.writes {
			t.Errorf("%s: %d write transactions, want %d", st.name, got, st.writes)
		}
		if res.Unchanged != (st.writes == 0) {
			t.Errorf("%s: Unchanged = %v with %d writes", st.name, res.Unchanged, st.writes)
		}
		if res.Incident == nil || res.Created != st.created || res.Incident.Status != st.status || (res.Incident.Key != "INC-1") != st.newKeyNow {
			t.Fatalf("%s: got %+v, want created %v, status %s, another incident %v", st.name, res, st.created, st.status, st.newKeyNow)
		}
	}
	evs, err := db.Events(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	count := map[incident.EventKind]int{}
	for _, ev := range evs {
		count[ev.Kind]++
	}
	if count[incident.EventAlertFiring] != 2 || count[incident.EventAlertResolved] != 2 {
		t.Errorf("INC-1 holds %d firing and %d resolved alert events, want 2 and 2 (each once): %v", count[incident.EventAlertFiring], count[incident.EventAlertResolved], count)
	}
	inc, err := db.Incident(ctx, 1)
	if err != nil || len(inc.Links) != 1 {
		t.Fatalf("INC-1's links = %v, %v; want the runbook once", inc, err)
	}
}

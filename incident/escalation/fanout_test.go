package escalation_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/incident/sqlite"
)

// countingDestination counts the pages it is given by page key, and fails
// the first fail calls with a transient error.
type countingDestination struct {
	name string
	mu   sync.Mutex
	fail int
	keys map[string]int
}

func (d *countingDestination) Name() string { return d.name }

func (d *countingDestination) Page(ctx context.Context, p escalation.Page) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.keys == nil {
		d.keys = map[string]int{}
	}
	d.keys[p.Key]++
	if d.fail > 0 {
		d.fail--
		return incident.Errorf(incident.KindTransient, "%s is down", d.name)
	}
	return nil
}

func (d *countingDestination) calls() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]int{}
	for k, n := range d.keys {
		out[k] = n
	}
	return out
}

// Each destination of a page is its own job: while one destination fails
// and is retried, and across a restart, the others are not paged again,
// and every destination sees the same page key.
func TestEachDestinationIsPagedOnce(t *testing.T) {
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: start}
	path := filepath.Join(t.TempDir(), "w.db")
	pd, hook, dm := &countingDestination{name: "pagerduty"}, &countingDestination{name: "webhook", fail: 2}, &countingDestination{name: "dm"}
	policy := escalation.Policy{Name: "default", Steps: []escalation.PolicyStep{{Targets: []escalation.Target{{User: "alice"}}, Wait: time.Hour}}}
	open := func() (*incident.Service, *incident.Runner, *sqlite.DB) {
		db, err := sqlite.Open(context.Background(), path, clock)
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.DiscardHandler)
		esc := escalation.New(escalation.Config{Policies: map[string]escalation.Policy{"default": policy}, Default: "default",
			Destinations: []escalation.Destination{pd, hook, dm}, Store: db})
		svc := incident.NewService(incident.Deps{Store: db, Chat: &fakeChat{}, Tickets: fakeTickets{}, Renderer: plainRenderer{}, Clock: clock,
			Logger: log, Escalation: esc})
		r := incident.NewRunner(db, incident.RunnerConfig{BaseDelay: time.Second, MaxDelay: time.Second}, clock, log)
		svc.RegisterJobs(r)
		esc.RegisterJobs(r, svc)
		return svc, r, db
	}
	svc, r, db := open()
	if _, err := svc.Declare(context.Background(), incident.Declaration{Title: "db down"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close() // a restart while the webhook is still failing
	clock.Advance(2 * time.Second)
	_, r, db = open()
	defer db.Close()
	for range 3 {
		if _, err := r.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Second)
	}
	const key = "INC-1/page/notify/"
	seen := map[string]bool{}
	for _, d := range []*countingDestination{pd, hook, dm} {
		calls := d.calls()
		want := 1
		if d == hook {
			want = 3 // two failures, then the page
		}
		if len(calls) != 1 {
			t.Fatalf("%s got pages %v, want one page", d.name, calls)
		}
		for k, n := range calls {
			seen[k] = true
			if n != want {
				t.Errorf("%s was called %d times for %s, want %d", d.name, n, k, want)
			}
			if len(k) <= len(key) || k[:len(key)] != key {
				t.Errorf("%s got page key %q, want the page's own key", d.name, k)
			}
		}
	}
	if len(seen) != 1 {
		t.Errorf("the destinations got different page keys %v, want one", seen)
	}
}

// A page.notify job an older warroom queued names no destination: it
// pages every destination, with its own key, as it did then.
func TestOlderNotifyJobPagesEveryDestination(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, b := &countingDestination{name: "pagerduty"}, &countingDestination{name: "webhook"}
	esc := escalation.New(escalation.Config{Destinations: []escalation.Destination{a, b}, Store: db})
	log := slog.New(slog.DiscardHandler)
	svc := incident.NewService(incident.Deps{Store: db, Clock: clock, Logger: log})
	r := incident.NewRunner(db, incident.RunnerConfig{}, clock, log)
	esc.RegisterJobs(r, svc)
	inc := &incident.Incident{Title: "db down", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api"}
	const key = "INC-1/page/notify/1/0/0/alice"
	err = db.Update(context.Background(), func(tx incident.Tx) error {
		if err := tx.CreateIncident(context.Background(), inc); err != nil {
			return err
		}
		return tx.Enqueue(context.Background(), incident.Job{Kind: escalation.JobNotify, Backend: incident.BackendPaging, IncidentID: inc.ID,
			Key: key, Payload: []byte(`{"user":"alice","why":"step 1 of policy default"}`), State: incident.JobPending})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*countingDestination{a, b} {
		if got := d.calls(); len(got) != 1 || got[key] != 1 {
			t.Errorf("%s got %v, want one page with the job's key", d.name, got)
		}
	}
}

package icinga2

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// syncRecorder is recorder safe for the stream's goroutine.
type syncRecorder struct {
	mu sync.Mutex
	recorder
}

func (r *syncRecorder) IngestAlerts(ctx context.Context, g incident.AlertGroup) (incident.IngestResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.recorder.IngestAlerts(ctx, g)
}

func (r *syncRecorder) AckFromSource(ctx context.Context, source, key, actor string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.recorder.AckFromSource(ctx, source, key, actor)
}

func (r *syncRecorder) List(ctx context.Context, f incident.Filter) ([]*incident.Incident, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.recorder.List(ctx, f)
}

func (r *syncRecorder) snapshot() ([]incident.AlertGroup, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]incident.AlertGroup{}, r.groups...), append([]string{}, r.acks...)
}

// TestFollowRealIcinga follows a real Icinga 2's stream: a HARD CRITICAL
// and an acknowledgement arrive; the problem that was there before the
// stream was opened is found by the resync.
func TestFollowRealIcinga(t *testing.T) {
	ic := icingatest.Start(t)
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "CRITICAL before warroom listened")
	c, err := New(Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "follow-test"},
		slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	rec := &syncRecorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Follow(ctx, rec, nil); close(done) }()
	defer func() { cancel(); <-done }()

	wait := func(what string, cond func(g []incident.AlertGroup, acks []string) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			g, a := rec.snapshot()
			if cond(g, a) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s: groups %+v, acks %v", what, g, a)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wait("the resynced problem", func(g []incident.AlertGroup, _ []string) bool {
		return len(g) >= 1 && g[0].DedupKey == "web1!http" && g[0].Alerts[0].Firing
	})
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 0, "OK")
	wait("the recovery", func(g []incident.AlertGroup, _ []string) bool {
		return len(g) >= 2 && !g[len(g)-1].Alerts[0].Firing
	})
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "CRITICAL again")
	ic.Acknowledge(t, icingatest.Host, icingatest.Service, "icingaadmin", "on it")
	wait("the acknowledgement", func(_ []incident.AlertGroup, a []string) bool {
		return len(a) == 1 && a[0] == "web1!http by icingaadmin"
	})
}

// TestResyncCatchesWhatChangedUnheard: what happens in Icinga 2 while no
// follower runs (a takeover, a reconnection) reaches warroom through the
// next follower's resync: an acknowledgement acks the incident, and a
// recovery resolves it.
func TestResyncCatchesWhatChangedUnheard(t *testing.T) {
	ic := icingatest.Start(t)
	c, err := New(Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "resync-test"},
		slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	rec := &syncRecorder{}
	// follow follows the stream until cond holds, then stops the follower.
	follow := func(what string, cond func(g []incident.AlertGroup, acks []string) bool) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { c.Follow(ctx, rec, nil); close(done) }()
		defer func() { cancel(); <-done }()
		deadline := time.Now().Add(20 * time.Second)
		for {
			g, a := rec.snapshot()
			if cond(g, a) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s: groups %+v, acks %v", what, g, a)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "CRITICAL")
	follow("the problem", func(g []incident.AlertGroup, _ []string) bool {
		return len(g) >= 1 && g[len(g)-1].DedupKey == "web1!http" && g[len(g)-1].Alerts[0].Firing
	})

	ic.Acknowledge(t, icingatest.Host, icingatest.Service, "icingaadmin", "acked while warroom was away")
	follow("the acknowledgement made unheard", func(_ []incident.AlertGroup, a []string) bool {
		return len(a) == 1 && a[0] == "web1!http by icinga2"
	})

	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 0, "OK again")
	if st, typ := ic.ServiceState(t, icingatest.Host, icingatest.Service); st != 0 || typ != 1 {
		t.Fatalf("Icinga 2 holds the service in state %d, type %d; want HARD OK", st, typ)
	}
	follow("the recovery made unheard", func(g []incident.AlertGroup, _ []string) bool {
		last := g[len(g)-1]
		return last.DedupKey == "web1!http" && !last.Alerts[0].Firing && strings.Contains(last.Summary, "OK again")
	})
	groups, acks := rec.snapshot()
	if len(acks) != 1 {
		t.Errorf("acks = %v, want the one acknowledgement once", acks)
	}
	for _, g := range groups {
		if g.DedupKey != "web1!http" {
			t.Errorf("a notification of %q, which never changed", g.DedupKey)
		}
	}
}

package escalation_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/incident/sqlite"
)

// fakeClock is a hand-written clock that tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fakePager records pages, acks and resolutions.
type fakePager struct {
	mu       sync.Mutex
	pages    []string // "user@minute"
	keys     map[string]int
	acks     int
	resolves int
	clock    *fakeClock
	start    time.Time
}

func (p *fakePager) Name() string { return "fake" }

func (p *fakePager) Page(ctx context.Context, pg escalation.Page) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.keys == nil {
		p.keys = map[string]int{}
	}
	p.keys[pg.Key]++
	if p.keys[pg.Key] == 1 {
		p.pages = append(p.pages, pg.User+"@"+p.clock.Now().Sub(p.start).String())
	}
	return nil
}

func (p *fakePager) Acknowledge(ctx context.Context, inc *incident.Incident, actor string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.acks++
	return nil
}

func (p *fakePager) Resolve(ctx context.Context, inc *incident.Incident) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resolves++
	return nil
}

func (p *fakePager) snapshot() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string{}, p.pages...)
}

type schedules map[string]string

func (s schedules) OnCall(name string, at time.Time) (string, bool) { u, ok := s[name]; return u, ok }

// fakeChat is a chat backend that takes every channel and post.
type fakeChat struct {
	mu    sync.Mutex
	posts map[string]int // post key -> times posted
}

func (c *fakeChat) Backend() string { return "fake" }

func (c *fakeChat) OpenChannel(ctx context.Context, spec incident.ChannelSpec) (incident.ChannelRef, error) {
	return incident.ChannelRef{Backend: "fake", ID: "ch-" + spec.IncidentKey, Name: spec.Name}, nil
}

func (c *fakeChat) Post(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.posts == nil {
		c.posts = map[string]int{}
	}
	c.posts[p.Key]++
	return p.Key, nil
}

func (c *fakeChat) UpdateChannel(ctx context.Context, ch incident.ChannelRef, s incident.ChannelState) error {
	return nil
}

func (c *fakeChat) Invite(ctx context.Context, ch incident.ChannelRef, users []string) (incident.Invited, error) {
	return incident.Invited{Added: users}, nil
}

// fakeTickets opens a ticket for every incident.
type fakeTickets struct{}

func (fakeTickets) Backend() string { return "fake" }

func (fakeTickets) OpenTicket(ctx context.Context, inc *incident.Incident) (incident.TicketRef, error) {
	return incident.TicketRef{Backend: "fake", Key: "T-" + inc.Key}, nil
}

func (fakeTickets) Comment(ctx context.Context, t incident.TicketRef, c incident.TicketComment) error {
	return nil
}

func (fakeTickets) CloseTicket(ctx context.Context, t incident.TicketRef, reason string) error {
	return nil
}

// plainRenderer renders a template as its name and the incident's key.
type plainRenderer struct{}

func (plainRenderer) Render(name string, data any) (string, error) {
	return name + " " + data.(incident.MessageData).Incident.Key, nil
}

func (plainRenderer) RenderText(name, text string, data any) (string, error) {
	return text + " " + data.(incident.MessageData).Incident.Key, nil
}

type pagingEnv struct {
	db     *sqlite.DB
	svc    *incident.Service
	clock  *fakeClock
	pager  *fakePager
	stop   func()
	runner *incident.Runner
}

var testPolicy = escalation.Policy{Name: "default", Repeat: 2, Steps: []escalation.PolicyStep{
	{Targets: []escalation.Target{{Schedule: "primary"}}, Wait: 5 * time.Minute},
	{Targets: []escalation.Target{{User: "bob"}, {Schedule: "secondary"}}, Wait: 10 * time.Minute},
}}

// startPaging wires a Service with the escalation on a store at dbPath.
// No workers run: the tests run due jobs with settle, on the fake clock.
func startPaging(t *testing.T, dbPath string, clock *fakeClock, pager *fakePager) *pagingEnv {
	t.Helper()
	db, err := sqlite.Open(context.Background(), dbPath, clock)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	esc := escalation.New(escalation.Config{Policies: map[string]escalation.Policy{"default": testPolicy}, Default: "default",
		OnCall: schedules{"primary": "alice", "secondary": "carol"}, Destinations: []escalation.Destination{pager}, Service: pager, Store: db})
	svc := incident.NewService(incident.Deps{Store: db, Chat: &fakeChat{}, Tickets: fakeTickets{}, Renderer: plainRenderer{}, Clock: clock, Logger: log,
		Escalation: esc})
	r := incident.NewRunner(db, incident.RunnerConfig{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}, clock, log)
	svc.RegisterJobs(r)
	esc.RegisterJobs(r, svc)
	if _, err := db.ReleaseOrphans(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &pagingEnv{db: db, svc: svc, clock: clock, pager: pager, runner: r, stop: func() { db.Close() }}
}

func newPaging(t *testing.T) (*pagingEnv, string) {
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: start}
	path := filepath.Join(t.TempDir(), "w.db")
	env := startPaging(t, path, clock, &fakePager{clock: clock, start: start})
	t.Cleanup(func() { env.stop() })
	return env, path
}

// settle runs every job due at the fake clock's now, to completion.
func (e *pagingEnv) settle(t *testing.T) {
	t.Helper()
	if _, err := e.runner.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (e *pagingEnv) advance(t *testing.T, d time.Duration) {
	t.Helper()
	e.clock.Advance(d)
	e.settle(t)
}

func TestEscalationRunsOnTimeAndStopsAtTheLimit(t *testing.T) {
	e, _ := newPaging(t)
	inc, err := e.svc.Declare(context.Background(), incident.Declaration{Title: "db down", Severity: incident.SeverityCritical})
	if err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	e.advance(t, 4*time.Minute) // not yet
	e.advance(t, time.Minute)   // step 2 at 5m
	e.advance(t, 10*time.Minute)
	e.advance(t, 5*time.Minute)
	e.advance(t, 60*time.Minute) // nothing more: two rounds done
	want := []string{"alice@0s", "bob@5m0s", "carol@5m0s", "alice@15m0s", "bob@20m0s", "carol@20m0s"}
	if got := e.pager.snapshot(); !equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
	evs, _ := e.svc.Timeline(context.Background(), inc.Key)
	exhausted := 0
	for _, ev := range evs {
		if ev.Kind == incident.EventEscalation && strings.HasPrefix(ev.Ref, "escalation/exhausted") {
			exhausted++
		}
	}
	if exhausted != 1 {
		t.Errorf("%d 'ran out' events, want 1", exhausted)
	}
}

func TestAckStopsTheNextStep(t *testing.T) {
	e, _ := newPaging(t)
	inc, _ := e.svc.Declare(context.Background(), incident.Declaration{Title: "db down", Severity: incident.SeverityCritical})
	e.settle(t)
	e.advance(t, 2*time.Minute)
	if _, err := e.svc.Ack(context.Background(), inc.Key, "alice"); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	e.advance(t, time.Hour)
	if got := e.pager.snapshot(); !equal(got, []string{"alice@0s"}) {
		t.Errorf("pages after the ack: %v", got)
	}
	if e.pager.acks != 1 {
		t.Errorf("paging service acked %d times, want 1", e.pager.acks)
	}
	if _, err := e.svc.Close(context.Background(), inc.Key, "alice", "fixed"); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	if e.pager.resolves != 1 {
		t.Errorf("paging service resolved %d times, want 1", e.pager.resolves)
	}
}

// A restart during a wait neither skips nor repeats the step.
func TestRestartDuringWaitResumes(t *testing.T) {
	e, path := newPaging(t)
	if _, err := e.svc.Declare(context.Background(), incident.Declaration{Title: "db down", Severity: incident.SeverityCritical}); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	e.stop()
	e.clock.Advance(7 * time.Minute) // the step due at 5m fires after the restart, once
	e2 := startPaging(t, path, e.clock, e.pager)
	e.stop = e2.stop
	e2.settle(t)
	e2.advance(t, time.Minute)
	if got := e.pager.snapshot(); !equal(got, []string{"alice@0s", "bob@7m0s", "carol@7m0s"}) {
		t.Errorf("pages %v", got)
	}
}

// Two acks at once record one.
func TestTwoAcksAtOnce(t *testing.T) {
	e, _ := newPaging(t)
	inc, _ := e.svc.Declare(context.Background(), incident.Declaration{Title: "db down", Severity: incident.SeverityCritical})
	e.settle(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, who := range []string{"alice", "bob"} {
		wg.Go(func() {
			_, err := e.svc.Ack(context.Background(), inc.Key, who)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		if err == nil {
			ok++
		} else if incident.ErrorKind(err) != incident.KindConflict {
			t.Errorf("second ack: %v, want a conflict", err)
		}
	}
	evs, _ := e.svc.Timeline(context.Background(), inc.Key)
	acks := 0
	for _, ev := range evs {
		if ev.Kind == incident.EventStatusChanged && ev.Text == "open → acked" {
			acks++
		}
	}
	if ok != 1 || acks != 1 {
		t.Errorf("%d acks succeeded, %d recorded; want 1 and 1", ok, acks)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An incident that fires again after it resolved pages again, from the
// first step.
func TestRefirePagesAgain(t *testing.T) {
	e, _ := newPaging(t)
	g := incident.AlertGroup{Source: "alertmanager", DedupKey: "g", Title: "disk", Alerts: []incident.Alert{{Fingerprint: "f", Firing: true,
		StartsAt: e.clock.Now()}}}
	if _, err := e.svc.IngestAlerts(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	e.advance(t, time.Minute)
	g.Alerts[0].Firing, g.Alerts[0].EndsAt = false, e.clock.Now()
	e.svc.IngestAlerts(context.Background(), g)
	e.settle(t)
	e.advance(t, time.Hour) // resolved: no escalation
	g.Alerts[0].Firing, g.Alerts[0].StartsAt = true, e.clock.Now()
	if _, err := e.svc.IngestAlerts(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	if got := e.pager.snapshot(); !equal(got, []string{"alice@0s", "alice@1h1m0s"}) {
		t.Errorf("pages %v, want alice at the start and again at the refire", got)
	}
}

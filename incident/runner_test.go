package incident_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// flakyChat is a hand-written fake chat backend that fails as told.
type flakyChat struct {
	mu       sync.Mutex
	failOpen []error // errors returned by successive OpenChannel calls
	opened   int
	posts    map[string]int // post key -> times posted
}

func (c *flakyChat) Backend() string { return "fake" }

func (c *flakyChat) OpenChannel(ctx context.Context, spec incident.ChannelSpec) (incident.ChannelRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.failOpen) > 0 {
		err := c.failOpen[0]
		c.failOpen = c.failOpen[1:]
		return incident.ChannelRef{}, err
	}
	c.opened++
	return incident.ChannelRef{Backend: "fake", ID: "ch-" + spec.IncidentKey, Name: spec.Name}, nil
}

func (c *flakyChat) Post(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.posts == nil {
		c.posts = map[string]int{}
	}
	c.posts[p.Key]++
	return p.Key, nil
}

func (c *flakyChat) UpdateChannel(ctx context.Context, ch incident.ChannelRef, s incident.ChannelState) error {
	return nil
}

func (c *flakyChat) Invite(ctx context.Context, ch incident.ChannelRef, users []string) (incident.Invited, error) {
	return incident.Invited{Added: users}, nil
}

// posted reports whether a post whose key contains what went out.
func (c *flakyChat) posted(what string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.posts {
		if strings.Contains(k, what) {
			return true
		}
	}
	return false
}

func (c *flakyChat) postCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.posts)
}

// stuckTickets never manages to open a ticket.
type stuckTickets struct{ err error }

func (s stuckTickets) Backend() string { return "fake" }

func (s stuckTickets) OpenTicket(ctx context.Context, inc *incident.Incident) (incident.TicketRef, error) {
	if s.err != nil {
		return incident.TicketRef{}, s.err
	}
	return incident.TicketRef{Backend: "fake", Key: "T-" + inc.Key}, nil
}

func (s stuckTickets) Comment(ctx context.Context, t incident.TicketRef, c incident.TicketComment) error {
	return s.err
}

func (s stuckTickets) CloseTicket(ctx context.Context, t incident.TicketRef, reason string) error {
	return s.err
}

type plainRenderer struct{}

func (plainRenderer) Render(name string, data any) (string, error) {
	return name + " " + data.(incident.MessageData).Incident.Key, nil
}

func (plainRenderer) RenderText(name, text string, data any) (string, error) {
	return text + " " + data.(incident.MessageData).Incident.Key, nil
}

// env is a Service over a real SQLite store on a fake clock. No workers
// run: drain runs the due jobs with Runner.RunDue and steps the clock to
// the retries, so nothing waits on the wall clock.
type env struct {
	db     *sqlite.DB
	svc    *incident.Service
	runner *incident.Runner
	clock  *timerClock
	step   time.Duration
}

func newEnv(t *testing.T, chat incident.Chat, tickets incident.Tickets, cfg incident.RunnerConfig) *env {
	t.Helper()
	clock := newTimerClock()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.DiscardHandler)
	svc := incident.NewService(incident.Deps{Store: db, Chat: chat, Tickets: tickets, Renderer: plainRenderer{}, Clock: clock, Logger: log})
	cfg.BaseDelay, cfg.MaxDelay = time.Millisecond, 5*time.Millisecond
	r := incident.NewRunner(db, cfg, clock, log)
	svc.RegisterJobs(r)
	r.OnPark = svc.RecordFailure
	return &env{db: db, svc: svc, runner: r, clock: clock, step: cfg.MaxDelay}
}

// drain runs every due job, steps the clock past the longest retry delay
// while a job waits for a retry, and stops when nothing is left to run
// (a paused or parked job is left as it is) or after rounds steps.
func (e *env) drain(t *testing.T, rounds int) {
	t.Helper()
	ctx := context.Background()
	for range rounds {
		ran, err := e.runner.RunDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := e.db.Jobs(ctx, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		later := false
		for _, j := range jobs {
			later = later || j.State == incident.JobPending && j.RunAt.After(e.clock.Now())
		}
		if len(ran) == 0 && !later {
			return
		}
		e.clock.Advance(e.step)
	}
}

func (e *env) declare(t *testing.T) *incident.Incident {
	t.Helper()
	inc, err := e.svc.Declare(context.Background(), incident.Declaration{Title: "api down", Severity: incident.SeverityHigh, Actor: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func (e *env) jobs(t *testing.T, inc *incident.Incident, kind incident.JobKind) incident.Job {
	t.Helper()
	jobs, err := e.db.Jobs(context.Background(), inc.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Kind == kind {
			return j
		}
	}
	t.Fatalf("no %s job", kind)
	return incident.Job{}
}

func TestRunnerRetriesTransientFailures(t *testing.T) {
	outage := errors.New("connection refused")
	chat := &flakyChat{failOpen: []error{outage, outage, outage}}
	e := newEnv(t, chat, stuckTickets{}, incident.RunnerConfig{MaxAttempts: 10})
	inc := e.declare(t)
	e.drain(t, 100)
	if !chat.posted("/post/status/") {
		t.Fatal("no status post")
	}
	j := e.jobs(t, inc, incident.JobOpenChannel)
	if j.State != incident.JobDone || j.Attempts != 4 {
		t.Errorf("open-channel job: state %s after %d attempts, want done after 4", j.State, j.Attempts)
	}
	if chat.opened != 1 {
		t.Errorf("channel opened %d times, want 1", chat.opened)
	}
}

func TestRunnerParksWithVisibleReason(t *testing.T) {
	tests := []struct {
		name       string
		errs       []error
		wantReason string
	}{
		{"permanent error parks at once", []error{incident.Errorf(incident.KindPermanent, "bot is not a member of team ops")},
			"bot is not a member of team ops"},
		{"transient errors park after the last attempt", []error{errors.New("timeout"), errors.New("timeout"), errors.New("timeout")},
			"gave up after 3 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat := &flakyChat{failOpen: tt.errs}
			e := newEnv(t, chat, stuckTickets{}, incident.RunnerConfig{MaxAttempts: 3})
			inc := e.declare(t)
			e.drain(t, 100)
			if j := e.jobs(t, inc, incident.JobOpenChannel); j.State != incident.JobParked || !strings.Contains(j.LastError, tt.wantReason) {
				t.Errorf("open-channel job %s, last error %q; want parked saying %q", j.State, j.LastError, tt.wantReason)
			}
			onTimeline := false
			evs, _ := e.svc.Timeline(context.Background(), inc.Key)
			for _, ev := range evs {
				onTimeline = onTimeline || ev.Kind == incident.EventError && strings.Contains(ev.Text, tt.wantReason)
			}
			if !onTimeline {
				t.Errorf("no error event saying %q on the timeline", tt.wantReason)
			}
			// The welcome post cannot go out without a channel: it parks too, and says why.
			jobs, _ := e.db.Jobs(context.Background(), inc.ID, "")
			for _, j := range jobs {
				if j.Kind == incident.JobPost && j.State != incident.JobParked {
					t.Errorf("post %s is %s, want parked", j.Key, j.State)
				}
			}
			if j := e.jobs(t, inc, incident.JobPost); !strings.Contains(j.LastError, "has no channel") {
				t.Errorf("post job reason %q", j.LastError)
			}
			// An operator retries the parked job; now the backend works.
			if err := e.db.RetryParked(context.Background(), e.jobs(t, inc, incident.JobOpenChannel).ID, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
			e.drain(t, 100)
			if got, _ := e.svc.Get(context.Background(), inc.Key); got.Channel.Empty() {
				t.Error("no channel after the retry")
			}
			// The retry resumes the lane: the posts that parked behind it go out, in order.
			if !chat.posted("/post/status/") {
				t.Error("no status post after the retry")
			}
		})
	}
}

// A ticket system that is down must not hold up the channel: tickets run
// in their own lane.
func TestTicketOutageDoesNotBlockChat(t *testing.T) {
	chat := &flakyChat{}
	e := newEnv(t, chat, stuckTickets{err: errors.New("jira: 503")}, incident.RunnerConfig{MaxAttempts: 1000})
	inc := e.declare(t)
	e.drain(t, 5) // the ticket job keeps failing: a few rounds are enough
	if !chat.posted("/post/status/") {
		t.Fatal("no status post while the ticket system is down")
	}
	if _, err := e.svc.Ack(context.Background(), inc.Key, "alice"); err != nil {
		t.Fatal(err)
	}
	e.drain(t, 5)
	if !chat.posted("/post/event/") || !chat.posted("/sync/acked/") {
		t.Error("no ack announcement and status edit while the ticket system is down")
	}
	if j := e.jobs(t, inc, incident.JobOpenTicket); j.State == incident.JobDone {
		t.Errorf("ticket job is done while the ticket system is down")
	}
}

// A paused kind holds back the later jobs of its lane, keeping the order.
func TestPausedKindHoldsItsLane(t *testing.T) {
	chat := &flakyChat{}
	e := newEnv(t, chat, stuckTickets{}, incident.RunnerConfig{Paused: []incident.JobKind{incident.JobOpenChannel}})
	inc := e.declare(t)
	e.drain(t, 100)
	if j := e.jobs(t, inc, incident.JobOpenTicket); j.State != incident.JobDone {
		t.Errorf("ticket job %s, want done: its lane is not paused", j.State)
	}
	if n := chat.postCount(); n != 0 {
		t.Errorf("%d posts went out before their channel was opened", n)
	}
	if j := e.jobs(t, inc, incident.JobPost); j.State != incident.JobPending || j.Attempts != 0 {
		t.Errorf("post job %s after %d attempts, want pending and untried", j.State, j.Attempts)
	}
}

// RunDue runs what is due, in lane order, including what the jobs it runs
// make due, and leaves what is due later.
func TestRunDueRunsEverythingDueAndNothingLater(t *testing.T) {
	clock := newTimerClock()
	var e *queueEnv
	e = newQueueEnv(t, clock, incident.RunnerConfig{Retention: -1}, func(r *incident.Runner) {
		r.Handle(incident.JobPost, func(ctx context.Context, j incident.Job) error {
			if j.Key == "a" {
				e.enqueue(t, incident.JobPost, "c") // due now, behind b
			}
			return nil
		})
	})
	e.enqueue(t, incident.JobPost, "a")
	e.enqueue(t, incident.JobPost, "b")
	later, err := incident.NewJob(incident.JobOpenTicket, e.inc, "later", nil)
	if err != nil {
		t.Fatal(err)
	}
	later.RunAt = clock.Now().Add(time.Minute)
	e.run.Handle(incident.JobOpenTicket, func(ctx context.Context, j incident.Job) error { return nil })
	if err := e.db.Update(context.Background(), func(tx incident.Tx) error { return tx.Enqueue(context.Background(), later) }); err != nil {
		t.Fatal(err)
	}
	ran, err := e.run.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, j := range ran {
		keys = append(keys, j.Key)
	}
	if strings.Join(keys, ",") != "a,b,c" {
		t.Errorf("ran %v, want a,b,c", keys)
	}
	clock.Advance(time.Minute)
	if ran, err = e.run.RunDue(context.Background()); err != nil || len(ran) != 1 || ran[0].Key != "later" {
		t.Errorf("after a minute ran %v (%v), want the later job", ran, err)
	}
}

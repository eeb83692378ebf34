package incident_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// recordingChat is a chat backend that keeps what it was asked to do.
type recordingChat struct {
	mu      sync.Mutex
	specs   []incident.ChannelSpec
	posts   []incident.Post
	invited map[string]bool // channel ID/username
}

func (c *recordingChat) Backend() string { return "fake" }

func (c *recordingChat) OpenChannel(ctx context.Context, spec incident.ChannelSpec) (incident.ChannelRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.specs = append(c.specs, spec)
	return incident.ChannelRef{Backend: "fake", ID: "ch-" + spec.IncidentKey, Name: spec.Name}, nil
}

func (c *recordingChat) Post(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts = append(c.posts, p)
	return p.Key, nil
}

func (c *recordingChat) UpdateChannel(ctx context.Context, ch incident.ChannelRef, s incident.ChannelState) error {
	return nil
}

// Invite keeps who was invited to which channel; a repeat is Already.
func (c *recordingChat) Invite(ctx context.Context, ch incident.ChannelRef, users []string) (incident.Invited, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out incident.Invited
	for _, u := range users {
		if c.invited[ch.ID+"/"+u] {
			out.Already = append(out.Already, u)
			continue
		}
		if c.invited == nil {
			c.invited = map[string]bool{}
		}
		c.invited[ch.ID+"/"+u] = true
		out.Added = append(out.Added, u)
	}
	return out, nil
}

// post returns the post whose key contains what.
func (c *recordingChat) post(t *testing.T, what string) incident.Post {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.posts {
		if strings.Contains(p.Key, what) {
			return p
		}
	}
	t.Fatalf("no post %q among %d", what, len(c.posts))
	return incident.Post{}
}

// fakeUpstream counts the acks sent back to a source.
type fakeUpstream struct{ acks int }

func (u *fakeUpstream) Acknowledge(ctx context.Context, inc *incident.Incident, actor string) error {
	u.acks++
	return nil
}

// parts is a Service over a store whose jobs the test runs with RunDue.
type parts struct {
	db     *sqlite.DB
	svc    *incident.Service
	runner *incident.Runner
}

func newParts(t *testing.T, path string, d incident.Deps) *parts {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d.Store, d.Renderer, d.Clock = db, plainRenderer{}, incident.SystemClock{}
	if d.Tickets == nil {
		d.Tickets = stuckTickets{}
	}
	svc := incident.NewService(d)
	r := incident.NewRunner(db, incident.RunnerConfig{}, incident.SystemClock{}, slog.New(slog.DiscardHandler))
	svc.RegisterJobs(r)
	return &parts{db: db, svc: svc, runner: r}
}

func (p *parts) runDue(t *testing.T) []incident.Job {
	t.Helper()
	ran, err := p.runner.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ran
}

func (p *parts) jobKinds(t *testing.T, inc *incident.Incident) map[incident.JobKind]int {
	t.Helper()
	jobs, err := p.db.Jobs(context.Background(), inc.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[incident.JobKind]int{}
	for _, j := range jobs {
		out[j.Kind]++
	}
	return out
}

var dbRoute = incident.Router{{Match: map[string]string{"team": "db"},
	Route: incident.Route{ChannelName: "db-{{.Incident.Key}}", Invite: []string{"dba"}, Runbook: "db"}}}

// The routing decision is made when the alert arrives and travels with
// the jobs: a warroom restarted with other rules opens the channel the
// rules of the alert's time asked for.
func TestRouteIsDecidedWhenTheAlertArrives(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	before := newParts(t, path, incident.Deps{Router: dbRoute})
	g := incident.AlertGroup{Source: "alertmanager", DedupKey: "g", Title: "db slow", Labels: map[string]string{"team": "db"},
		Alerts: []incident.Alert{{Fingerprint: "f", Firing: true}}}
	res, err := before.svc.IngestAlerts(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	before.db.Close()
	chat := &recordingChat{}
	after := newParts(t, path, incident.Deps{Chat: chat}) // no routing rules any more
	after.runDue(t)
	if len(chat.specs) != 1 {
		t.Fatalf("%d channels opened, want 1", len(chat.specs))
	}
	spec := chat.specs[0]
	if want := "db-{{.Incident.Key}} " + res.Incident.Key; spec.Name != want {
		t.Errorf("channel name %q, want the routed %q", spec.Name, want)
	}
	if len(spec.Invite) != 1 || spec.Invite[0] != "dba" {
		t.Errorf("invited %v, want the routed [dba]", spec.Invite)
	}
}

// Jobs an older warroom queued keep working: a channel.open without a
// payload asks the router, a welcome post without flags gets its card.
func TestJobsOfAnOlderWarroomKeepWorking(t *testing.T) {
	chat := &recordingChat{}
	p := newParts(t, filepath.Join(t.TempDir(), "w.db"), incident.Deps{Chat: chat, Router: dbRoute})
	inc := &incident.Incident{Title: "db slow", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api",
		Labels: map[string]string{"team": "db"}}
	// The incident as the older version stored it, with its jobs.
	err := p.db.Update(context.Background(), func(tx incident.Tx) error {
		if err := tx.CreateIncident(context.Background(), inc); err != nil {
			return err
		}
		for _, j := range []struct {
			kind    incident.JobKind
			key     string
			payload string
		}{
			{incident.JobOpenChannel, inc.Key + "/channel/open/old", ""},
			{incident.JobPost, inc.Key + "/post/welcome/old", `{"template":"welcome"}`},
		} {
			job := incident.Job{Kind: j.kind, Backend: j.kind.Backend(), IncidentID: inc.ID, Key: j.key, State: incident.JobPending}
			if j.payload != "" {
				job.Payload = []byte(j.payload)
			}
			if err := tx.Enqueue(context.Background(), job); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p.runDue(t)
	if want := "db-{{.Incident.Key}} " + inc.Key; chat.specs[0].Name != want {
		t.Errorf("channel name %q, want %q", chat.specs[0].Name, want)
	}
	if chat.post(t, "/post/welcome/old").Card == nil {
		t.Error("the old welcome post has no card")
	}
}

// A change that came from the outside system it would be reported to is
// not sent back there: an ack from the source is not acked upstream, a
// ticket closed in the ticket system is not closed again.
func TestChangesFromTheSourceAreNotSentBack(t *testing.T) {
	up := &fakeUpstream{}
	p := newParts(t, filepath.Join(t.TempDir(), "w.db"), incident.Deps{Chat: &recordingChat{}, CloseTickets: true,
		Upstreams: map[string]incident.Upstream{"icinga2": up}})
	ctx := context.Background()
	ingest := func(key string) *incident.Incident {
		res, err := p.svc.IngestAlerts(ctx, incident.AlertGroup{Source: "icinga2", DedupKey: key, Title: key,
			Alerts: []incident.Alert{{Fingerprint: key, Firing: true}}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Incident
	}
	fromSource, fromWarroom := ingest("host1"), ingest("host2")
	if err := p.svc.AckFromSource(ctx, "icinga2", "host1", "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Ack(ctx, fromWarroom.Key, "bob"); err != nil {
		t.Fatal(err)
	}
	p.runDue(t)
	if got := p.jobKinds(t, fromSource)[incident.JobUpstreamAck]; got != 0 {
		t.Errorf("an ack from icinga2 queued %d upstream acks, want 0", got)
	}
	if got := p.jobKinds(t, fromWarroom)[incident.JobUpstreamAck]; got != 1 || up.acks != 1 {
		t.Errorf("an ack in warroom queued %d upstream acks and sent %d, want 1 and 1", got, up.acks)
	}
	tix, err := p.svc.Get(ctx, fromSource.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.TicketStatusChanged(ctx, incident.TicketChange{Ticket: tix.Ticket, Actor: "carol", Done: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Close(ctx, fromWarroom.Key, "bob", "fixed"); err != nil {
		t.Fatal(err)
	}
	if got := p.jobKinds(t, fromSource)[incident.JobCloseTicket]; got != 0 {
		t.Errorf("a ticket closed in the ticket system queued %d ticket closes, want 0", got)
	}
	if got := p.jobKinds(t, fromWarroom)[incident.JobCloseTicket]; got != 1 {
		t.Errorf("a close in warroom queued %d ticket closes, want 1", got)
	}
}

// Ticket comments go by the status a change moved to, read from the
// event's To field, whatever its text says.
func TestTicketCommentsFollowTheStatusMovedTo(t *testing.T) {
	p := newParts(t, filepath.Join(t.TempDir(), "w.db"), incident.Deps{Chat: &recordingChat{}, TicketComments: []string{"resolved"}})
	ctx := context.Background()
	inc, err := p.svc.Declare(ctx, incident.Declaration{Title: "db slow"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Ack(ctx, inc.Key, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Resolve(ctx, inc.Key, "alice", "acked → resolved twice: rolled back"); err != nil {
		t.Fatal(err)
	}
	if got := p.jobKinds(t, inc)[incident.JobTicketComment]; got != 1 {
		t.Errorf("%d ticket comments, want 1 (for resolved, not for acked)", got)
	}
	evs, err := p.svc.Timeline(ctx, inc.Key)
	if err != nil {
		t.Fatal(err)
	}
	var moves []string
	for _, ev := range evs {
		if ev.Kind == incident.EventStatusChanged {
			moves = append(moves, string(ev.From)+">"+string(ev.To))
		}
	}
	if strings.Join(moves, " ") != "open>acked acked>resolved" {
		t.Errorf("status changes %v, want open>acked acked>resolved", moves)
	}
}

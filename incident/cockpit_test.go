package incident_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

func TestParseUser(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"@bob", "bob", ""},
		{"bob", "bob", ""},
		{"  @Dan.K_2 ", "Dan.K_2", ""},
		{"@", "", "is not a user name"},
		{"@bob smith", "", "is not a user name"},
		{"-bob", "", "is not a user name"},
		{"<script>", "", "is not a user name"},
	} {
		got, err := incident.ParseUser(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseUser(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseUser(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckRoleNames(t *testing.T) {
	for _, tt := range []struct {
		names []string
		err   string
	}{
		{nil, ""},
		{[]string{"comms", "scribe", "ops_lead"}, ""},
		{[]string{"Comms"}, "lower-case word"},
		{[]string{"comms lead"}, "lower-case word"},
		{[]string{"commander"}, "every incident has a commander"},
		{[]string{"comms", "comms"}, "listed twice"},
	} {
		err := incident.CheckRoleNames(tt.names)
		if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("CheckRoleNames(%q) = %v; want %q", tt.names, err, tt.err)
		}
	}
}

func TestRoleHolders(t *testing.T) {
	inc := &incident.Incident{Commander: "alice", Roles: map[string]string{"scribe": "carol", "comms": "bob", "legacy": "dan"}}
	got := incident.RoleHolders(inc, []string{"comms", "scribe"})
	want := []incident.RoleHolder{{"commander", "alice"}, {"comms", "bob"}, {"scribe", "carol"}, {"legacy", "dan"}}
	if len(got) != len(want) {
		t.Fatalf("RoleHolders = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("RoleHolders[%d] = %v, want %v (commander first, the config's order, then the rest by name)", i, got[i], want[i])
		}
	}
	if got := incident.RoleHolders(&incident.Incident{}, []string{"comms"}); len(got) != 0 {
		t.Errorf("nobody holds a role: got %v", got)
	}
}

func TestNextReminder(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	every := incident.DefaultReminders()
	ev := func(kind incident.EventKind, min int) incident.Event {
		return incident.Event{Kind: kind, At: t0.Add(time.Duration(min) * time.Minute)}
	}
	move := func(from, to incident.Status, min int) incident.Event {
		e := ev(incident.EventStatusChanged, min)
		e.From, e.To = from, to
		return e
	}
	for _, tt := range []struct {
		name   string
		sev    incident.Severity
		status incident.Status
		events []incident.Event
		due    int // minutes after t0; -1: none
	}{
		{"critical, nothing said", incident.SeverityCritical, incident.StatusOpen, []incident.Event{ev(incident.EventDeclared, 0)}, 30},
		{"high waits an hour", incident.SeverityHigh, incident.StatusAcked, []incident.Event{ev(incident.EventDeclared, 0)}, 60},
		{"warning gets none", incident.SeverityWarning, incident.StatusOpen, nil, -1},
		{"a status update restarts it", incident.SeverityCritical, incident.StatusAcked,
			[]incident.Event{ev(incident.EventDeclared, 0), ev(incident.EventStatusUpdate, 20)}, 50},
		{"a reminder restarts it", incident.SeverityCritical, incident.StatusOpen,
			[]incident.Event{ev(incident.EventStatusUpdate, 5), ev(incident.EventStatusReminder, 36)}, 66},
		{"a note does not", incident.SeverityCritical, incident.StatusOpen,
			[]incident.Event{ev(incident.EventNote, 25)}, 30},
		{"an ack does not", incident.SeverityCritical, incident.StatusAcked,
			[]incident.Event{move(incident.StatusOpen, incident.StatusAcked, 10)}, 30},
		{"a reopen does", incident.SeverityCritical, incident.StatusOpen,
			[]incident.Event{move(incident.StatusOpen, incident.StatusResolved, 10), move(incident.StatusResolved, incident.StatusOpen, 100)}, 130},
		{"resolved gets none", incident.SeverityCritical, incident.StatusResolved, nil, -1},
		{"closed gets none", incident.SeverityCritical, incident.StatusClosed, nil, -1},
	} {
		inc := &incident.Incident{Severity: tt.sev, Status: tt.status, CreatedAt: t0}
		due, ok := incident.NextReminder(inc, tt.events, every)
		switch {
		case tt.due < 0 && ok:
			t.Errorf("%s: due at %s, want none", tt.name, due)
		case tt.due >= 0 && (!ok || !due.Equal(t0.Add(time.Duration(tt.due)*time.Minute))):
			t.Errorf("%s: due %s (%v), want +%dm", tt.name, due, ok, tt.due)
		}
	}
}

func TestBuildReport(t *testing.T) {
	w1 := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // a Monday
	w2, w3 := w1.Add(incident.Week), w1.Add(2*incident.Week)
	cells := []incident.ReportCell{
		// week 1: critical from alertmanager, 2 opened, both acked (60s + 120s), one resolved (600s)
		{Severity: incident.SeverityCritical, Source: "alertmanager", Week: w1, Opened: 2, Acked: 2, AckMillis: 180_000, Resolved: 1, ResolveMillis: 600_000},
		// week 1: high from api, 1 opened, acked in 30s, resolved in 1200s
		{Severity: incident.SeverityHigh, Source: "api", Week: w1, Opened: 1, Acked: 1, AckMillis: 30_000, Resolved: 1, ResolveMillis: 1_200_000},
		// week 3: critical from api, never acked
		{Severity: incident.SeverityCritical, Source: "api", Week: w3, Opened: 1},
	}
	r := incident.BuildReport(w1, w3.Add(incident.Week), cells)
	f := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return time.Duration(*p * float64(time.Second)).String()
	}
	line := func(l incident.ReportLine) string {
		return l.Key + " " + f(l.MTTA) + " " + f(l.MTTR)
	}
	check := func(what string, got []incident.ReportLine, want ...string) {
		t.Helper()
		var g []string
		for _, l := range got {
			g = append(g, line(l))
		}
		if strings.Join(g, "; ") != strings.Join(want, "; ") {
			t.Errorf("%s: got %q, want %q", what, g, want)
		}
	}
	if got := line(r.Total); got != "all 1m10s 15m0s" || r.Total.Opened != 4 || r.Total.Acked != 3 || r.Total.Resolved != 2 {
		t.Errorf("total: %s (%+v), want all 1m10s 15m0s over 4 opened, 3 acked, 2 resolved", got, r.Total)
	}
	check("by severity", r.BySeverity, "critical 1m30s 10m0s", "high 30s 20m0s")
	check("by source", r.BySource, "alertmanager 1m30s 10m0s", "api 30s 20m0s")
	check("by week (the empty week kept)", r.ByWeek, w1.Format(time.DateOnly)+" 1m10s 15m0s", w2.Format(time.DateOnly)+" - -", w3.Format(time.DateOnly)+" - -")
}

func TestWeekOf(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-03T07:00:00Z": "2026-11-30", // a Thursday
		"2026-11-30T00:00:00Z": "2026-11-30", // Monday midnight
		"2026-11-29T23:59:59Z": "2026-11-23", // Sunday night
	} {
		at, _ := time.Parse(time.RFC3339, in)
		if got := incident.WeekOf(at).Format(time.DateOnly); got != want {
			t.Errorf("WeekOf(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestDurationsOf(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	at := func(s int) *time.Time { v := t0.Add(time.Duration(s) * time.Second); return &v }
	n := func(v int64) string { return time.Duration(v * int64(time.Second)).String() }
	p := func(v *int64) string {
		if v == nil {
			return "-"
		}
		return n(*v)
	}
	for _, tt := range []struct {
		name string
		inc  incident.Incident
		now  time.Time
		want string // to ack, to resolve, to close, open for
	}{
		{"open", incident.Incident{CreatedAt: t0}, t0.Add(90 * time.Second), "- - - 1m30s"},
		{"acked", incident.Incident{CreatedAt: t0, AckedAt: at(45)}, t0.Add(time.Hour), "45s - - 1h0m0s"},
		{"closed stops the clock", incident.Incident{CreatedAt: t0, AckedAt: at(45), ResolvedAt: at(600), ClosedAt: at(900)}, t0.Add(24 * time.Hour), "45s 10m0s 15m0s 15m0s"},
		{"a clock stepped back", incident.Incident{CreatedAt: t0}, t0.Add(-time.Minute), "- - - 0s"},
	} {
		d := incident.DurationsOf(&tt.inc, tt.now)
		if got := strings.Join([]string{p(d.ToAck), p(d.ToResolve), p(d.ToClose), n(d.OpenFor)}, " "); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// stepClock is a clock the test moves by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *stepClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestRemindDue steps a clock through an incident's life: the reminder
// comes when the cadence is past, once, mentions the commander, waits
// again after a status update, stops on resolve and starts on reopen.
func TestRemindDue(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	chat := &recordingChat{}
	svc := incident.NewService(incident.Deps{Store: db, Chat: chat, Renderer: plainRenderer{}, Clock: clock, Tickets: stuckTickets{}})
	runner := incident.NewRunner(db, incident.RunnerConfig{}, clock, slog.New(slog.DiscardHandler))
	svc.RegisterJobs(runner)
	inc, err := svc.Declare(ctx, incident.Declaration{Title: "checkout down", Severity: incident.SeverityCritical, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	step := func(d time.Duration, want int) {
		t.Helper()
		clock.add(d)
		n, err := svc.RemindDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("at +%s: %d reminders, want %d", clock.Now().Sub(inc.CreatedAt), n, want)
		}
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	reminders := func() []incident.Post {
		chat.mu.Lock()
		defer chat.mu.Unlock()
		var out []incident.Post
		for _, p := range chat.posts {
			if strings.Contains(p.Key, "/reminder/") {
				out = append(out, p)
			}
		}
		return out
	}
	if _, err := runner.RunDue(ctx); err != nil { // the channel and its posts
		t.Fatal(err)
	}
	step(29*time.Minute, 0)
	step(2*time.Minute, 1) // +31m
	if r := reminders(); len(r) != 1 || !strings.Contains(r[0].Text, "@alice") || !strings.Contains(r[0].Text, "no status update on "+inc.Key+" for 31m") {
		t.Fatalf("the reminder: %+v; want one for @alice (the declarer commands) saying 31m", r)
	}
	step(0, 0)                          // a second sweep adds none
	step(20*time.Minute, 0)             // +51m: 20m since the reminder
	step(10*time.Minute+time.Second, 1) // +61m: 30m since the reminder
	if _, err := svc.UpdateStatus(ctx, inc.Key, "alice", "rolled back"); err != nil {
		t.Fatal(err)
	}
	step(29*time.Minute, 0)
	step(2*time.Minute, 1) // 31m after the update
	if _, err := svc.SetCommander(ctx, inc.Key, "alice", "@bob"); err != nil {
		t.Fatal(err)
	}
	step(31*time.Minute, 1)
	if r := reminders(); len(r) != 4 || !strings.Contains(r[3].Text, "@bob") || !strings.Contains(r[3].Text, "critical incidents get one every 30m") {
		t.Fatalf("after the handover: %d reminders, the last %q; want 4, the last for @bob", len(r), r[len(r)-1].Text)
	}
	if _, err := svc.Resolve(ctx, inc.Key, "bob", "fixed"); err != nil {
		t.Fatal(err)
	}
	step(3*time.Hour, 0) // resolved: none
	if _, err := svc.Reopen(ctx, inc.Key, "bob", "it is back"); err != nil {
		t.Fatal(err)
	}
	step(29*time.Minute, 0)
	step(2*time.Minute, 1) // 31m after the reopen
	events, err := svc.Timeline(ctx, inc.Key)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Kind == incident.EventStatusReminder {
			n++
		}
	}
	if n != 5 || len(reminders()) != 5 {
		t.Errorf("%d reminders on the timeline, %d posted; want 5 of each", n, len(reminders()))
	}
}

package incident

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDraftPostmortem: what the draft takes from an incident's record,
// case by case.
func TestDraftPostmortem(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	ptr := func(t time.Time) *time.Time { return &t }
	base := func() *Incident {
		return &Incident{ID: 7, Key: "INC-7", Title: "checkout 500s", Severity: SeverityCritical, Source: "alertmanager",
			CreatedAt: at(0), AckedAt: ptr(at(4)), ResolvedAt: ptr(at(30)), ClosedAt: ptr(at(40)), Commander: "alice",
			Roles: map[string]string{"comms": "bob", "scribe": "alice"}}
	}
	scripted := []Event{
		{Kind: EventAlertFiring, Actor: "alertmanager", Text: "HighErrorRate", At: at(-3)},
		{Kind: EventDeclared, Actor: "alertmanager", Text: "checkout 500s", At: at(0)},
		{Kind: EventPaged, Actor: "warroom", Text: "@carol (step 1 of policy default, on call on primary)", At: at(1)},
		{Kind: EventStatusChanged, Actor: "carol", Text: "open → acked", From: StatusOpen, To: StatusAcked, At: at(4)},
		{Kind: EventSeverityChanged, Actor: "alice", Text: "high → critical", At: at(6)},
		{Kind: EventStatusUpdate, Actor: "alice", Text: "rolled back\n  watching", At: at(10)},
		{Kind: EventPinned, Actor: "dave", Text: "“the cache is cold” (erin)", At: at(12)},
		{Kind: EventChannelOpened, Actor: "warroom", Text: "#inc-7", At: at(0)},
		{Kind: EventAlertResolved, Actor: "alertmanager", Text: "HighErrorRate", At: at(28)},
		{Kind: EventStatusChanged, Actor: "alice", Text: "acked → resolved", From: StatusAcked, To: StatusResolved, At: at(30)},
		{Kind: EventStatusChanged, Actor: "alice", Text: "resolved → closed", From: StatusResolved, To: StatusClosed, At: at(40)},
	}
	labels := func(d PostmortemData) []string {
		var out []string
		for _, e := range d.Timeline {
			out = append(out, e.At.Format("15:04")+" "+e.Label+" "+e.Actor)
		}
		return out
	}
	names := func(d PostmortemData) []string {
		var out []string
		for _, p := range d.Participants {
			out = append(out, p.Name+"("+strings.Join(p.Roles, ",")+")")
		}
		return out
	}
	tests := []struct {
		name   string
		inc    func(*Incident)
		events []Event
		facts  PostmortemFacts
		check  func(t *testing.T, d PostmortemData)
	}{
		{"scripted incident", nil, scripted, PostmortemFacts{Messages: map[string]int{"erin": 9, "alice": 4, "frank": 9}}, func(t *testing.T, d PostmortemData) {
			if !d.ImpactStart.Equal(at(-3)) || d.ImpactEnd == nil || !d.ImpactEnd.Equal(at(30)) || *d.ImpactDuration != 33*time.Minute {
				t.Errorf("impact window %v to %v (%v); want the first alert at -3m to the resolve at 30m", d.ImpactStart, d.ImpactEnd, d.ImpactDuration)
			}
			if *d.TimeToAck != 4*time.Minute || *d.TimeToResolve != 30*time.Minute {
				t.Errorf("time to ack %v, to resolve %v", *d.TimeToAck, *d.TimeToResolve)
			}
			if d.InitialSeverity != SeverityHigh || len(d.SeverityChanges) != 1 || d.SeverityChanges[0].Text != "high → critical" || d.SeverityChanges[0].Actor != "alice" {
				t.Errorf("severity: opened as %v, changes %+v", d.InitialSeverity, d.SeverityChanges)
			}
			want := []string{"09:00 Declared ", "09:01 Paged ", "09:04 Acknowledged carol", "09:06 Severity changed alice",
				"09:10 Status update alice", "09:12 Pinned dave", "09:30 Resolved alice", "09:40 Closed alice"}
			if got := labels(d); !reflect.DeepEqual(got, want) {
				t.Errorf("timeline\n got %q\nwant %q", got, want)
			}
			// The commander and role holders first, then the rest by messages
			// written, then by name.
			wantP := []string{"alice(commander,scribe)", "bob(comms)", "erin()", "frank()", "carol(paged,acked)", "dave()"}
			if got := names(d); !reflect.DeepEqual(got, wantP) {
				t.Errorf("participants\n got %q\nwant %q", got, wantP)
			}
		}},
		{"never acked or resolved", func(inc *Incident) { inc.AckedAt, inc.ResolvedAt = nil, nil }, scripted[:3], PostmortemFacts{}, func(t *testing.T, d PostmortemData) {
			if d.TimeToAck != nil || d.TimeToResolve != nil {
				t.Errorf("durations %v %v; want none", d.TimeToAck, d.TimeToResolve)
			}
			if d.ImpactEnd == nil || !d.ImpactEnd.Equal(at(40)) {
				t.Errorf("impact ends %v; want the close, the only end on record", d.ImpactEnd)
			}
		}},
		{"acked twice: time to the first ack", nil, append([]Event{{Kind: EventStatusChanged, Actor: "carol", To: StatusAcked, At: at(2)}}, scripted...), PostmortemFacts{}, func(t *testing.T, d PostmortemData) {
			if *d.TimeToAck != 2*time.Minute {
				t.Errorf("time to ack %v, want 2m (the first ack)", *d.TimeToAck)
			}
		}},
		{"severity back where it started", func(inc *Incident) { inc.Severity = SeverityHigh }, []Event{
			{Kind: EventSeverityChanged, Actor: "a", Text: "high → critical", At: at(1)}, {Kind: EventSeverityChanged, Actor: "a", Text: "critical → high", At: at(2)}},
			PostmortemFacts{}, func(t *testing.T, d PostmortemData) {
				if d.InitialSeverity != 0 || len(d.SeverityChanges) != 2 {
					t.Errorf("opened as %v with %d changes; want no 'opened as' and both changes", d.InitialSeverity, len(d.SeverityChanges))
				}
			}},
		{"no commander, no roles", func(inc *Incident) { inc.Commander, inc.Roles = "", nil }, nil, PostmortemFacts{Messages: map[string]int{"zoe": 1}}, func(t *testing.T, d PostmortemData) {
			if got := names(d); !reflect.DeepEqual(got, []string{"zoe()"}) {
				t.Errorf("participants %q", got)
			}
			if len(d.Timeline) != 0 || !d.ImpactStart.Equal(at(0)) {
				t.Errorf("an empty record: timeline %v, impact from %v", d.Timeline, d.ImpactStart)
			}
		}},
		{"graphs as the transcript kept them", nil, nil, PostmortemFacts{Graphs: []PostmortemGraph{{Name: "errors.png", URL: "u", Author: "warroom", At: at(3)}}}, func(t *testing.T, d PostmortemData) {
			if len(d.Graphs) != 1 || d.Graphs[0].Name != "errors.png" {
				t.Errorf("graphs %+v", d.Graphs)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := base()
			if tt.inc != nil {
				tt.inc(inc)
			}
			d := DraftPostmortem(inc, tt.events, tt.facts, "http://w/incidents/INC-7/postmortem", at(50))
			if d.Incident != inc || !d.DraftedAt.Equal(at(50)) {
				t.Errorf("draft of %v at %v", d.Incident, d.DraftedAt)
			}
			tt.check(t, d)
		})
	}
}

// TestCheckPostmortemBody: the one rule for a postmortem's text.
func TestCheckPostmortemBody(t *testing.T) {
	for _, tt := range []struct {
		body string
		ok   bool
	}{{"# ok", true}, {"", false}, {" \n\t", false}, {strings.Repeat("x", 256<<10), true}, {strings.Repeat("x", 256<<10+1), false}} {
		if err := CheckPostmortemBody(tt.body); (err == nil) != tt.ok || (err != nil && ErrorKind(err) != KindInvalid) {
			t.Errorf("CheckPostmortemBody(%d bytes) = %v, want ok=%v", len(tt.body), err, tt.ok)
		}
	}
}

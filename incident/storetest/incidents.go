package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// Update runs fn in one transaction: an error of fn leaves nothing of what
// it wrote (incident, event, job, chat post).
func testUpdateAtomic(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx incident.Tx) error {
		inc := &incident.Incident{Title: "half", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api", CreatedAt: T0, UpdatedAt: T0}
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		if _, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventDeclared, At: T0, RecordedAt: T0}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, newJob(t, incident.JobBuildTranscript, inc.ID, "half")); err != nil {
			return err
		}
		if err := tx.SetChatPost(ctx, inc.ID, "status", "p1"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	incs, err := s.Incidents(ctx, incident.Filter{})
	if err != nil || len(incs) != 0 {
		t.Fatalf("after a failed update: %d incidents (%v), want none", len(incs), err)
	}
	jobs, err := s.Jobs(ctx, 0, "")
	if err != nil || len(jobs) != 0 {
		t.Fatalf("after a failed update: %d jobs (%v), want none", len(jobs), err)
	}
	// The store is still usable, and the next incident gets the next ID.
	if inc := newIncident(t, s, "whole", ""); inc.Key != incident.FormatKey(inc.ID) || inc.ID == 0 {
		t.Fatalf("next incident: ID %d key %q", inc.ID, inc.Key)
	}
}

// CreateIncident sets ID and Key; every field reads back as written, times
// to the nanosecond; UpdateIncident writes every field.
func testIncidentRoundTrip(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	acked := T0.Add(time.Minute + 7)
	in := &incident.Incident{Title: "api down", Summary: "**5xx**", Severity: incident.SeverityCritical, Status: incident.StatusAcked,
		StatusMsg: "rolling back", Source: "alertmanager", DedupKey: "{}:{alertname=\"X\"}", Labels: map[string]string{"team": "db", "é": "ü"},
		Links: []incident.Link{{Title: "runbook", URL: "https://r/1"}}, Queries: []string{"up == 0"}, Commander: "alice",
		Channel:   incident.ChannelRef{Backend: "builtin", ID: "c1", Name: "inc-1", URL: "https://chat/c1"},
		Ticket:    incident.TicketRef{Backend: "jira", Key: "OPS-1", URL: "https://jira/OPS-1"},
		CreatedAt: T0, UpdatedAt: T0.Add(time.Second), AckedAt: &acked, AckedBy: "bob"}
	update(t, s, func(tx incident.Tx) error { return tx.CreateIncident(ctx, in) })
	if in.ID == 0 || in.Key != incident.FormatKey(in.ID) {
		t.Fatalf("CreateIncident set ID %d, Key %q", in.ID, in.Key)
	}
	got, err := s.Incident(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, in)
	}
	closed := T0.Add(time.Hour + 3)
	in.Status, in.ClosedAt, in.ClosedBy, in.CloseReason, in.Labels = incident.StatusClosed, &closed, "carol", "fixed", nil
	update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, in) })
	got, err = s.Incident(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	in.Labels = map[string]string{} // nil labels are stored as none
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("after UpdateIncident\n%+v\nwant\n%+v", got, in)
	}
	byChan, err := s.IncidentByChannel(ctx, "builtin", "c1")
	if err != nil || byChan.ID != in.ID {
		t.Fatalf("IncidentByChannel = %v, %v", byChan, err)
	}
	var inTx *incident.Incident
	update(t, s, func(tx incident.Tx) error {
		var err error
		inTx, err = tx.Incident(ctx, in.ID)
		return err
	})
	if !reflect.DeepEqual(inTx, in) {
		t.Fatalf("Tx.Incident\n%+v\nwant\n%+v", inTx, in)
	}
}

// A missing incident is a KindNotFound error, from the Store and the Tx.
func testNotFound(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	if _, err := s.Incident(ctx, 99); incident.ErrorKind(err) != incident.KindNotFound {
		t.Fatalf("Incident(99) = %v, want KindNotFound", err)
	}
	if _, err := s.IncidentByChannel(ctx, "builtin", "nope"); incident.ErrorKind(err) != incident.KindNotFound {
		t.Fatalf("IncidentByChannel = %v, want KindNotFound", err)
	}
	err := s.Update(ctx, func(tx incident.Tx) error {
		for name, f := range map[string]func() error{
			"Incident":              func() error { _, err := tx.Incident(ctx, 99); return err },
			"ActiveIncidentByDedup": func() error { _, err := tx.ActiveIncidentByDedup(ctx, "am", "g"); return err },
			"IncidentByDedup":       func() error { _, err := tx.IncidentByDedup(ctx, "am", "g"); return err },
			"IncidentByTicket":      func() error { _, err := tx.IncidentByTicket(ctx, "jira", "OPS-9"); return err },
		} {
			if err := f(); incident.ErrorKind(err) != incident.KindNotFound {
				return fmt.Errorf("Tx.%s = %v, want KindNotFound", name, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// AddEvent with a Ref adds once per incident, kind and ref; without a Ref
// it always adds.
func testAddEventRef(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	add := func(kind incident.EventKind, ref string) bool {
		var added bool
		update(t, s, func(tx incident.Tx) error {
			ev := &incident.Event{IncidentID: inc.ID, Kind: kind, Text: "t", Ref: ref, At: T0, RecordedAt: T0}
			var err error
			added, err = tx.AddEvent(ctx, ev)
			if added && ev.ID == 0 {
				return errors.New("AddEvent added but set no ID")
			}
			return err
		})
		return added
	}
	steps := []struct {
		kind incident.EventKind
		ref  string
		want bool
	}{
		{incident.EventNote, "m1", true},
		{incident.EventNote, "m1", false},
		{incident.EventDeclared, "m1", true}, // another kind
		{incident.EventNote, "m2", true},
		{incident.EventNote, "", true},
		{incident.EventNote, "", true},
	}
	for i, st := range steps {
		if got := add(st.kind, st.ref); got != st.want {
			t.Fatalf("step %d: AddEvent(%s, %q) = %v, want %v", i, st.kind, st.ref, got, st.want)
		}
	}
	evs, err := s.Events(ctx, inc.ID)
	if err != nil || len(evs) != 5 {
		t.Fatalf("Events = %d (%v), want 5", len(evs), err)
	}
}

// Events are ordered by At, then by when they were added; From and To
// are kept.
func testEventsOrder(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	update(t, s, func(tx incident.Tx) error {
		for i, at := range []time.Duration{3, 1, 2, 1} {
			ev := &incident.Event{IncidentID: inc.ID, Kind: incident.EventStatusChanged, Text: fmt.Sprint(i), At: T0.Add(at), RecordedAt: T0,
				From: incident.StatusOpen, To: incident.StatusAcked}
			if _, err := tx.AddEvent(ctx, ev); err != nil {
				return err
			}
		}
		evs, err := tx.Events(ctx, inc.ID)
		if err != nil || len(evs) != 4 {
			return fmt.Errorf("Tx.Events sees %d events (%v), want the 4 this transaction added", len(evs), err)
		}
		return nil
	})
	evs, err := s.Events(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order string
	for _, ev := range evs {
		order += ev.Text
		if ev.From != incident.StatusOpen || ev.To != incident.StatusAcked || ev.RecordedAt != T0 {
			t.Fatalf("event %+v lost from, to or recorded_at", ev)
		}
	}
	if order != "1320" {
		t.Fatalf("events in order %q, want 1320 (by at, then added)", order)
	}
}

// ActiveIncidentByDedup finds the live incident of a group and ignores a
// closed one; IncidentByDedup finds the newest whatever its status.
func testActiveByDedup(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	old := newIncident(t, s, "first", "g1")
	old.Status = incident.StatusClosed
	update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, old) })
	update(t, s, func(tx incident.Tx) error {
		if _, err := tx.ActiveIncidentByDedup(ctx, "alertmanager", "g1"); incident.ErrorKind(err) != incident.KindNotFound {
			return fmt.Errorf("ActiveIncidentByDedup after close = %v, want KindNotFound", err)
		}
		got, err := tx.IncidentByDedup(ctx, "alertmanager", "g1")
		if err != nil || got.ID != old.ID {
			return fmt.Errorf("IncidentByDedup = %v, %v, want the closed one", got, err)
		}
		return nil
	})
	cur := newIncident(t, s, "second", "g1")
	cur.Status = incident.StatusResolved // resolved is still live
	update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, cur) })
	update(t, s, func(tx incident.Tx) error {
		got, err := tx.ActiveIncidentByDedup(ctx, "alertmanager", "g1")
		if err != nil || got.ID != cur.ID {
			return fmt.Errorf("ActiveIncidentByDedup = %v, %v, want the resolved one", got, err)
		}
		if got, err := tx.IncidentByDedup(ctx, "alertmanager", "g1"); err != nil || got.ID != cur.ID {
			return fmt.Errorf("IncidentByDedup = %v, %v, want the newest", got, err)
		}
		if _, err := tx.ActiveIncidentByDedup(ctx, "icinga2", "g1"); incident.ErrorKind(err) != incident.KindNotFound {
			return fmt.Errorf("another source's group = %v, want KindNotFound", err)
		}
		return nil
	})
	// A second live incident of the group is refused, and leaves nothing.
	err := s.Update(ctx, func(tx incident.Tx) error {
		return tx.CreateIncident(ctx, &incident.Incident{Title: "dup", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
			Source: "alertmanager", DedupKey: "g1", CreatedAt: T0, UpdatedAt: T0})
	})
	if k := incident.ErrorKind(err); k != incident.KindConflict && k != incident.KindTransient {
		t.Fatalf("a second live incident of a group = %v, want a conflict (or transient: retry finds the first)", err)
	}
	if incs, _ := s.Incidents(ctx, incident.Filter{}); len(incs) != 2 {
		t.Fatalf("%d incidents, want 2", len(incs))
	}
}

// MarkTicketChange reports whether a change is not older than every one
// seen: a later time, or the same time with a seq not lower.
func testMarkTicketChange(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	steps := []struct {
		key  string
		at   time.Duration
		seq  int64
		want bool
	}{
		{"OPS-1", 10, 0, true},
		{"OPS-1", 5, 0, false},  // older
		{"OPS-1", 10, 0, true},  // the same change again
		{"OPS-1", 10, 2, true},  // same instant, later seq
		{"OPS-1", 10, 1, false}, // same instant, earlier seq
		{"OPS-1", 11, 0, true},
		{"OPS-2", 1, 0, true}, // another ticket
	}
	for i, st := range steps {
		var got bool
		update(t, s, func(tx incident.Tx) error {
			var err error
			got, err = tx.MarkTicketChange(ctx, "jira", st.key, T0.Add(st.at), st.seq)
			return err
		})
		if got != st.want {
			t.Fatalf("step %d: MarkTicketChange(%s, +%d, seq %d) = %v, want %v", i, st.key, st.at, st.seq, got, st.want)
		}
	}
}

// Incidents lists newest first, filters by status (any of) and by a query
// (title, key, event text; case-insensitive), and pages by Limit/Offset.
func testIncidents(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	var ids []int64
	for i := range 5 {
		inc := newIncident(t, s, fmt.Sprintf("Disk full %d", i), "")
		if i%2 == 1 {
			inc.Status = incident.StatusAcked
		}
		if i >= 3 {
			inc.Source = "icinga2"
		}
		update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, inc) })
		ids = append(ids, inc.ID)
	}
	update(t, s, func(tx incident.Tx) error {
		_, err := tx.AddEvent(ctx, &incident.Event{IncidentID: ids[0], Kind: incident.EventNote, Text: "the Kraken woke", At: T0, RecordedAt: T0})
		return err
	})
	list := func(f incident.Filter) []int64 {
		t.Helper()
		incs, err := s.Incidents(ctx, f)
		if err != nil {
			t.Fatalf("Incidents(%+v): %v", f, err)
		}
		out := []int64{}
		for _, inc := range incs {
			out = append(out, inc.ID)
		}
		return out
	}
	cases := []struct {
		name string
		f    incident.Filter
		want []int64
	}{
		{"all newest first", incident.Filter{}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"status", incident.Filter{Status: []incident.Status{incident.StatusAcked}}, []int64{ids[3], ids[1]}},
		{"any of statuses", incident.Filter{Status: []incident.Status{incident.StatusAcked, incident.StatusOpen}}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"source", incident.Filter{Source: "icinga2"}, []int64{ids[4], ids[3]}},
		{"source and status", incident.Filter{Source: "icinga2", Status: []incident.Status{incident.StatusOpen}}, []int64{ids[4]}},
		{"another source", incident.Filter{Source: "grafana"}, []int64{}},
		{"title, any case", incident.Filter{Query: "disk FULL 3"}, []int64{ids[3]}},
		{"key", incident.Filter{Query: incident.FormatKey(ids[2])}, []int64{ids[2]}},
		{"event text", incident.Filter{Query: "kraken"}, []int64{ids[0]}},
		{"like wildcards are literal", incident.Filter{Query: "%"}, []int64{}},
		{"limit", incident.Filter{Limit: 2}, []int64{ids[4], ids[3]}},
		{"offset", incident.Filter{Limit: 2, Offset: 2}, []int64{ids[2], ids[1]}},
		{"past the end", incident.Filter{Offset: 10}, []int64{}},
	}
	for _, c := range cases {
		if got := list(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// ChatPost is "" until SetChatPost; a second SetChatPost replaces it.
func testChatPost(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	get := func(slot string) string {
		t.Helper()
		id, err := s.ChatPost(ctx, inc.ID, slot)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if got := get("status"); got != "" {
		t.Fatalf("ChatPost before any = %q", got)
	}
	update(t, s, func(tx incident.Tx) error { return tx.SetChatPost(ctx, inc.ID, "status", "p1") })
	update(t, s, func(tx incident.Tx) error { return tx.SetChatPost(ctx, inc.ID, "status", "p2") })
	update(t, s, func(tx incident.Tx) error { return tx.SetChatPost(ctx, inc.ID, "paging", "p3") })
	if got := get("status"); got != "p2" {
		t.Fatalf("status post = %q, want p2", got)
	}
	if got := get("paging"); got != "p3" {
		t.Fatalf("paging post = %q, want p3", got)
	}
}

package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// RunFollowups runs the rules of the follow-up ports (incident.FollowupTx
// and FollowupReader) against d's stores.
func RunFollowups(t *testing.T, d Driver) {
	rules := []struct {
		name string
		fn   func(t *testing.T, d Driver)
	}{
		{"FollowupRoundTrip", testFollowupRoundTrip},
		{"FollowupsOfOneIncidentOldestFirst", testFollowupsList},
		{"MissingFollowupIsNotFound", testFollowupNotFound},
		{"FollowupByTicket", testFollowupByTicket},
		{"FollowupRollsBackWithItsTx", testFollowupRollback},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) { r.fn(t, d) })
	}
}

func createFollowup(t *testing.T, s Store, f *incident.Followup) {
	t.Helper()
	update(t, s, func(tx incident.Tx) error { return tx.CreateFollowup(context.Background(), f) })
	if f.ID == 0 {
		t.Fatal("CreateFollowup set no ID")
	}
}

// Every field reads back as written, times to the nanosecond, through the
// store and inside a transaction; an update writes state, ticket and who
// changed it when.
func testFollowupRoundTrip(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "db slow", "g")
	want := &incident.Followup{IncidentID: inc.ID, Text: `alert on "disk" < 10% ; é`, Actor: "alice", State: incident.FollowupOpen,
		CreatedAt: T0, ChangedAt: T0, ChangedBy: "alice"}
	createFollowup(t, s, want)
	got, err := s.Followup(ctx, want.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %+v, %v\nwant %+v", got, err, want)
	}
	want.State, want.ChangedAt, want.ChangedBy = incident.FollowupDone, T0.Add(time.Hour+7), "bob"
	want.Ticket = incident.TicketRef{Backend: "jira", Key: "OPS-18", URL: "https://jira.example.com/browse/OPS-18"}
	update(t, s, func(tx incident.Tx) error { return tx.UpdateFollowup(ctx, want) })
	update(t, s, func(tx incident.Tx) error {
		got, err := tx.Followup(ctx, want.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Tx.Followup after update %+v, %v\nwant %+v", got, err, want)
		}
		return nil
	})
	missing := &incident.Followup{ID: want.ID + 1000, State: incident.FollowupDone}
	err = s.Update(ctx, func(tx incident.Tx) error { return tx.UpdateFollowup(ctx, missing) })
	if incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("UpdateFollowup of an unknown ID: %v, want KindNotFound", err)
	}
}

// Followups lists one incident's follow-ups, oldest first, through the store
// and inside a transaction; an incident with none has an empty list.
func testFollowupsList(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	a, b := newIncident(t, s, "a", "a"), newIncident(t, s, "b", "b")
	var ids []int64
	for i, inc := range []*incident.Incident{a, b, a, a} {
		f := &incident.Followup{IncidentID: inc.ID, Text: string(rune('p' + i)), Actor: "alice", State: incident.FollowupOpen, CreatedAt: T0, ChangedAt: T0}
		createFollowup(t, s, f)
		if inc == a {
			ids = append(ids, f.ID)
		}
	}
	check := func(where string, list []incident.Followup, err error) {
		t.Helper()
		var got []int64
		for _, f := range list {
			got = append(got, f.ID)
		}
		if err != nil || !reflect.DeepEqual(got, ids) {
			t.Errorf("%s: follow-ups of a = %v, %v; want %v", where, got, err, ids)
		}
	}
	list, err := s.Followups(ctx, a.ID)
	check("Store.Followups", list, err)
	update(t, s, func(tx incident.Tx) error {
		list, err := tx.Followups(ctx, a.ID)
		check("Tx.Followups", list, err)
		return nil
	})
	none := newIncident(t, s, "c", "c")
	if list, err := s.Followups(ctx, none.ID); err != nil || list == nil || len(list) != 0 {
		t.Errorf("follow-ups of an incident with none = %#v, %v; want an empty list", list, err)
	}
}

func testFollowupNotFound(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	if _, err := s.Followup(ctx, 4242); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("Store.Followup(4242) = %v, want KindNotFound", err)
	}
	update(t, s, func(tx incident.Tx) error {
		if _, err := tx.Followup(ctx, 4242); incident.ErrorKind(err) != incident.KindNotFound {
			t.Errorf("Tx.Followup(4242) = %v, want KindNotFound", err)
		}
		return nil
	})
}

// FollowupByTicket finds the follow-up by its ticket's backend and key,
// and nothing for another backend, another key, or no ticket.
func testFollowupByTicket(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "a", "a")
	plain := &incident.Followup{IncidentID: inc.ID, Text: "no ticket yet", Actor: "a", State: incident.FollowupOpen, CreatedAt: T0, ChangedAt: T0}
	createFollowup(t, s, plain)
	f := &incident.Followup{IncidentID: inc.ID, Text: "t", Actor: "a", State: incident.FollowupOpen, CreatedAt: T0, ChangedAt: T0,
		Ticket: incident.TicketRef{Backend: "jira", Key: "OPS-7", URL: "u"}}
	createFollowup(t, s, f)
	update(t, s, func(tx incident.Tx) error {
		got, err := tx.FollowupByTicket(ctx, "jira", "OPS-7")
		if err != nil || got.ID != f.ID {
			t.Errorf("FollowupByTicket(jira, OPS-7) = %+v, %v; want #%d", got, err, f.ID)
		}
		for _, k := range [][2]string{{"builtin", "OPS-7"}, {"jira", "OPS-8"}, {"", ""}, {"jira", ""}} {
			if got, err := tx.FollowupByTicket(ctx, k[0], k[1]); incident.ErrorKind(err) != incident.KindNotFound {
				t.Errorf("FollowupByTicket(%q, %q) = %+v, %v; want KindNotFound", k[0], k[1], got, err)
			}
		}
		return nil
	})
}

func testFollowupRollback(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "a", "a")
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx incident.Tx) error {
		f := &incident.Followup{IncidentID: inc.ID, Text: "gone", Actor: "a", State: incident.FollowupOpen, CreatedAt: T0, ChangedAt: T0}
		if err := tx.CreateFollowup(ctx, f); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if list, err := s.Followups(ctx, inc.ID); err != nil || len(list) != 0 {
		t.Errorf("after rollback: %+v, %v; want none", list, err)
	}
}

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// testPostmortems: the rules of incident.PostmortemTx and PostmortemReader.
// Revision 1 creates the postmortem in draft; each save must be one past
// the latest (a stale or repeated one is a KindConflict and writes
// nothing); every revision is kept with its author and time; review and
// store marks are kept (an older store mark changes nothing); the review
// list is the state asked for, oldest first, by severity.
func testPostmortems(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	a := newIncident(t, s, "a", "a")
	b := newIncident(t, s, "b", "b")
	c := newIncident(t, s, "c", "c")
	update(t, s, func(tx incident.Tx) error {
		c.Severity = incident.SeverityCritical
		return tx.UpdateIncident(ctx, c)
	})
	if _, err := s.Postmortem(ctx, a.ID); incident.ErrorKind(err) != incident.KindNotFound {
		t.Fatalf("postmortem of an incident without one: %v, want KindNotFound", err)
	}
	rev := func(n int, author string, at time.Time) incident.PostmortemRevision {
		body := author + " wrote revision " + string(rune('0'+n))
		return incident.PostmortemRevision{N: n, Body: body, Author: author, At: at, SHA256: incident.Digest([]byte(body))}
	}
	add := func(id int64, r incident.PostmortemRevision) error {
		return s.Update(ctx, func(tx incident.Tx) error { return tx.AddPostmortemRevision(ctx, id, r) })
	}
	// Drafted in the order c, a, b: the review list is in that order.
	for i, inc := range []*incident.Incident{c, a, b} {
		if err := add(inc.ID, rev(1, "warroom", T0.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatalf("draft of %s: %v", inc.Key, err)
		}
	}
	if err := add(a.ID, rev(1, "warroom", T0)); incident.ErrorKind(err) != incident.KindConflict {
		t.Errorf("a second revision 1: %v, want KindConflict", err)
	}
	if err := add(a.ID, rev(2, "alice", T0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if err := add(a.ID, rev(2, "bob", T0.Add(2*time.Hour))); incident.ErrorKind(err) != incident.KindConflict {
		t.Errorf("a stale revision 2: %v, want KindConflict", err)
	}
	if err := add(a.ID, rev(4, "bob", T0.Add(2*time.Hour))); incident.ErrorKind(err) != incident.KindConflict {
		t.Errorf("a revision past the next: %v, want KindConflict", err)
	}
	pm, err := s.Postmortem(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := rev(2, "alice", T0.Add(time.Hour))
	if pm.Key != a.Key || pm.State != incident.PostmortemDraft || pm.Revision != 2 || pm.Body != want.Body || pm.EditedBy != "alice" ||
		!pm.EditedAt.Equal(want.At) || pm.SHA256 != want.SHA256 || !pm.CreatedAt.Equal(T0.Add(time.Minute)) || pm.Title != "a" || pm.Severity != incident.SeverityHigh {
		t.Errorf("postmortem read back: %+v", pm)
	}
	revs, err := s.PostmortemRevisions(ctx, a.ID)
	if err != nil || len(revs) != 2 || revs[0].Author != "warroom" || revs[1].Author != "alice" || !revs[1].At.Equal(want.At) || revs[1].Body != want.Body {
		t.Errorf("revisions: %+v, %v; want the draft and alice's, oldest first", revs, err)
	}

	update(t, s, func(tx incident.Tx) error {
		if err := tx.SetPostmortemState(ctx, b.ID, incident.PostmortemReviewed, "carol", T0.Add(3*time.Hour)); err != nil {
			return err
		}
		if err := tx.MarkPostmortemStored(ctx, a.ID, 2, "ticket", T0.Add(4*time.Hour)); err != nil {
			return err
		}
		return tx.MarkPostmortemStored(ctx, a.ID, 1, "ticket", T0.Add(5*time.Hour)) // older: no change
	})
	if err := s.Update(ctx, func(tx incident.Tx) error {
		return tx.SetPostmortemState(ctx, 9999, incident.PostmortemReviewed, "carol", T0)
	}); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("review of a postmortem that does not exist: %v, want KindNotFound", err)
	}
	pm, _ = s.Postmortem(ctx, a.ID)
	if pm.StoredRevision != 2 || pm.StoredIn != "ticket" || pm.StoredAt == nil || !pm.StoredAt.Equal(T0.Add(4*time.Hour)) {
		t.Errorf("stored mark: revision %d in %q at %v; want 2 in the ticket at T0+4h", pm.StoredRevision, pm.StoredIn, pm.StoredAt)
	}
	pb, _ := s.Postmortem(ctx, b.ID)
	if pb.State != incident.PostmortemReviewed || pb.ReviewedBy != "carol" || pb.ReviewedAt == nil || !pb.ReviewedAt.Equal(T0.Add(3*time.Hour)) {
		t.Errorf("review mark: %+v", pb)
	}

	for _, tt := range []struct {
		name string
		f    incident.PostmortemFilter
		want []string
	}{
		{"drafts oldest first", incident.PostmortemFilter{State: incident.PostmortemDraft}, []string{c.Key, a.Key}},
		{"drafts of high", incident.PostmortemFilter{State: incident.PostmortemDraft, Severity: []incident.Severity{incident.SeverityHigh}}, []string{a.Key}},
		{"drafts of critical or info", incident.PostmortemFilter{State: incident.PostmortemDraft, Severity: []incident.Severity{incident.SeverityInfo, incident.SeverityCritical}}, []string{c.Key}},
		{"reviewed", incident.PostmortemFilter{State: incident.PostmortemReviewed}, []string{b.Key}},
		{"published", incident.PostmortemFilter{State: incident.PostmortemPublished}, nil},
		{"limit", incident.PostmortemFilter{State: incident.PostmortemDraft, Limit: 1}, []string{c.Key}},
	} {
		list, err := s.Postmortems(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, p := range list {
			got = append(got, p.Key)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) || (len(got) > 1 && got[1] != tt.want[1]) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

package storetest

import (
	"context"
	"testing"

	"github.com/warroom/warroom/incident"
)

// testLiveIncidentHolding: the repeat check finds the live incident of a
// group and says whether its timeline holds every event asked for, by
// kind and ref; a closed incident, another group or another source is
// not found.
func testLiveIncidentHolding(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	closed := newIncident(t, s, "old", "g1")
	closed.Status = incident.StatusClosed
	update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, closed) })
	live := newIncident(t, s, "live", "g1")
	other := newIncident(t, s, "other", "g2")
	update(t, s, func(tx incident.Tx) error {
		for _, ev := range []incident.Event{
			{IncidentID: live.ID, Kind: incident.EventAlertFiring, Ref: "fp1/100"},
			{IncidentID: live.ID, Kind: incident.EventAlertFiring, Ref: "fp2/100"},
			{IncidentID: live.ID, Kind: incident.EventNote}, // no ref
			{IncidentID: other.ID, Kind: incident.EventAlertFiring, Ref: "fp3/100"},
			{IncidentID: closed.ID, Kind: incident.EventAlertFiring, Ref: "fp4/100"},
		} {
			ev.Text, ev.At, ev.RecordedAt = "t", T0, T0
			if _, err := tx.AddEvent(ctx, &ev); err != nil {
				return err
			}
		}
		return nil
	})
	firing := func(ref string) incident.EventRef {
		return incident.EventRef{Kind: incident.EventAlertFiring, Ref: ref}
	}
	cases := []struct {
		name     string
		source   string
		key      string
		refs     []incident.EventRef
		want     int64 // 0: not found
		wantHold bool
	}{
		{"every one held", "alertmanager", "g1", []incident.EventRef{firing("fp1/100"), firing("fp2/100")}, live.ID, true},
		{"one of them", "alertmanager", "g1", []incident.EventRef{firing("fp1/100")}, live.ID, true},
		{"one missing", "alertmanager", "g1", []incident.EventRef{firing("fp1/100"), firing("fp9/100")}, live.ID, false},
		{"same ref, other kind", "alertmanager", "g1", []incident.EventRef{{Kind: incident.EventAlertResolved, Ref: "fp1/100"}}, live.ID, false},
		{"another incident's event", "alertmanager", "g1", []incident.EventRef{firing("fp3/100")}, live.ID, false},
		{"the closed one's event", "alertmanager", "g1", []incident.EventRef{firing("fp4/100")}, live.ID, false},
		{"nothing asked", "alertmanager", "g1", nil, live.ID, true},
		{"another group", "alertmanager", "g2", []incident.EventRef{firing("fp3/100")}, other.ID, true},
		{"another source", "icinga2", "g1", []incident.EventRef{firing("fp1/100")}, 0, false},
		{"no live incident", "alertmanager", "g9", []incident.EventRef{firing("fp1/100")}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc, holds, err := s.LiveIncidentHolding(ctx, c.source, c.key, c.refs)
			if c.want == 0 {
				if incident.ErrorKind(err) != incident.KindNotFound {
					t.Fatalf("LiveIncidentHolding = %v, %v, %v; want KindNotFound", inc, holds, err)
				}
				return
			}
			if err != nil || inc.ID != c.want || holds != c.wantHold {
				t.Fatalf("LiveIncidentHolding = %+v, %v, %v; want incident %d, holds %v", inc, holds, err, c.want, c.wantHold)
			}
			if inc.Title == "" || inc.Key == "" {
				t.Fatalf("the incident came back without its fields: %+v", inc)
			}
		})
	}
}

package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/warroom/warroom/incident"
)

// An incident's parent and roles read back as written, a cleared parent
// reads back empty, and Filter.Parent lists only that parent's children,
// newest first.
func testParentsAndRoles(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	parent := newIncident(t, s, "storm", "p")
	other := newIncident(t, s, "other storm", "o")
	var kids []*incident.Incident
	for _, title := range []string{"a", "b", "c"} {
		kid := newIncident(t, s, title, title)
		kid.Parent = parent.Key
		kid.Roles = map[string]string{"comms": "carol", "scribe": "dan"}
		update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, kid) })
		kids = append(kids, kid)
	}
	got, err := s.Incident(ctx, kids[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Parent != parent.Key || !reflect.DeepEqual(got.Roles, kids[0].Roles) {
		t.Fatalf("read back parent %q roles %v, want %q %v", got.Parent, got.Roles, parent.Key, kids[0].Roles)
	}
	if got, _ := s.Incident(ctx, parent.ID); got.Parent != "" || got.Roles != nil {
		t.Fatalf("an incident without parent or roles reads back parent %q roles %v, want none", got.Parent, got.Roles)
	}
	kids[1].Parent, kids[1].Roles = "", nil
	update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, kids[1]) })
	tests := []struct {
		name string
		f    incident.Filter
		want []int64
	}{
		{"children of the parent, newest first", incident.Filter{Parent: parent.Key}, []int64{kids[2].ID, kids[0].ID}},
		{"a parent without children", incident.Filter{Parent: other.Key}, []int64{}},
		{"with a status filter", incident.Filter{Parent: parent.Key, Status: []incident.Status{incident.StatusOpen}}, []int64{kids[2].ID, kids[0].ID}},
	}
	for _, tt := range tests {
		list, err := s.Incidents(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		ids := []int64{}
		for _, inc := range list {
			ids = append(ids, inc.ID)
		}
		if !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, ids, tt.want)
		}
	}
	if _, err := s.Incidents(ctx, incident.Filter{Parent: "nope"}); incident.ErrorKind(err) != incident.KindInvalid {
		t.Errorf("Filter.Parent \"nope\": %v, want KindInvalid", err)
	}
}

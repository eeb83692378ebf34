package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// TestChannelHeadNamesWhoWorksIt: the members line of a builtin channel's
// head (the page and its polled log) names the commander and the role
// holders with their roles, although nobody invited them, and then the
// invited members; a person in both is named once, with the roles.
func TestChannelHeadNamesWhoWorksIt(t *testing.T) {
	x, c, _ := channelHarness(t)
	x.svc.edit("INC-1", func(inc *incident.Incident) {
		inc.Commander, inc.Roles = "carol", map[string]string{"scribe": "bob", "comms": "carol"}
	})
	want := `In the channel (3): <span class="member">@carol <i class="role">(commander, comms)</i></span>` +
		` <span class="member">@bob <i class="role">(scribe)</i></span> <span class="member">@alice</span>`
	for _, path := range []string{"/channels/room-1", "/channels/room-1/log"} {
		wantPage(t, x.get(path, c), 200, want)
	}
}

// TestChannelPeople: role holders first (commander first), each person
// once with every role, then the members who hold none in invite order.
func TestChannelPeople(t *testing.T) {
	for _, tt := range []struct {
		name    string
		inc     *incident.Incident
		members []string
		want    []channelPerson
	}{
		{"no incident", nil, []string{"alice", "bob"}, []channelPerson{{User: "alice"}, {User: "bob"}}},
		{"nobody", &incident.Incident{}, nil, nil},
		{"commander only, not invited", &incident.Incident{Commander: "bob"}, nil, []channelPerson{{User: "bob", Roles: "commander"}}},
		{"holders and members", &incident.Incident{Commander: "bob", Roles: map[string]string{"scribe": "alice", "comms": "bob"}},
			[]string{"erin", "alice", "dave"},
			[]channelPerson{{User: "bob", Roles: "commander, comms"}, {User: "alice", Roles: "scribe"}, {User: "erin"}, {User: "dave"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, channelPeople(tt.inc, tt.members)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

package web

import (
	"strings"

	"github.com/warroom/warroom/incident"
)

// channelPerson is someone a builtin channel's head names as in the
// channel: who holds a role of its incident (the commander acts in the
// channel without being invited), and who was invited.
type channelPerson struct {
	User  string
	Roles string // "commander, scribe"; "" for a member who holds none
}

// channelPeople lists the role holders of inc, commander first (a person
// holding several roles once, with all of them), then the members invited
// who hold none, in the order they were invited. inc may be nil (a channel
// of no incident): then the members alone.
func channelPeople(inc *incident.Incident, members []string) []channelPerson {
	var out []channelPerson
	at := map[string]int{}
	if inc != nil {
		for _, h := range incident.RoleHolders(inc, nil) {
			if i, ok := at[h.User]; ok {
				out[i].Roles += ", " + h.Role
				continue
			}
			at[h.User] = len(out)
			out = append(out, channelPerson{User: h.User, Roles: h.Role})
		}
	}
	for _, m := range members {
		if _, ok := at[m]; ok || strings.TrimSpace(m) == "" {
			continue
		}
		at[m] = len(out)
		out = append(out, channelPerson{User: m})
	}
	return out
}

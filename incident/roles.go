package incident

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The timeline events of the roles.
const (
	EventCommanderChanged EventKind = "commander_changed" // someone else leads the response
	EventRoleChanged      EventKind = "role_changed"      // a role (comms, scribe, ...) was given or taken
)

// RoleCommander is the role every incident has; the other role names
// come from the config (Deps.Roles).
const RoleCommander = "commander"

// DefaultRoles are the role names besides the commander when the config
// names none.
func DefaultRoles() []string { return []string{"comms", "scribe"} }

// userRE is what a chat user name may look like: the backends' handles
// (Mattermost, Rocket.Chat and the builtin sign-in all fit it).
var userRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ParseUser reads a user name as people type it ("@bob" or "bob").
func ParseUser(s string) (string, error) {
	u := strings.TrimPrefix(strings.TrimSpace(s), "@")
	if !userRE.MatchString(u) {
		return "", Errorf(KindInvalid, "%q is not a user name: write @name (letters, digits, dot, dash, underscore)", s)
	}
	return u, nil
}

// CheckRoleNames checks the configured role names: lower-case words, none
// twice, and not "commander" (which every incident has).
func CheckRoleNames(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		switch {
		case !roleNameRE.MatchString(n):
			return Errorf(KindInvalid, "role %q: a role name is a lower-case word such as comms or scribe", n)
		case n == RoleCommander:
			return Errorf(KindInvalid, "role %q: every incident has a commander; list only the other roles", n)
		case seen[n]:
			return Errorf(KindInvalid, "role %q is listed twice", n)
		}
		seen[n] = true
	}
	return nil
}

var roleNameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// RoleNames lists the roles an incident can have: the commander first,
// then the configured ones in their order.
func (s *Service) RoleNames() []string { return append([]string{RoleCommander}, s.roles...) }

// SetCommander makes user the incident's commander.
func (s *Service) SetCommander(ctx context.Context, key, actor, user string) (*Incident, error) {
	return s.SetRole(ctx, key, actor, RoleCommander, user)
}

// SetRole gives role to user on the incident; user "" takes the role
// away (not the commander's: someone always leads). An unknown role is
// KindInvalid with the list of roles; an incident that is closed or
// archived is KindConflict.
func (s *Service) SetRole(ctx context.Context, key, actor, role, user string) (*Incident, error) {
	role = strings.ToLower(strings.TrimSpace(role))
	if !contains(s.RoleNames(), role) {
		return nil, Errorf(KindInvalid, "there is no role %q: the roles are %s", role, strings.Join(s.RoleNames(), ", "))
	}
	if user == "" && role == RoleCommander {
		return nil, Errorf(KindInvalid, "an incident always has a commander: name the new one (@name)")
	}
	if user != "" {
		var err error
		if user, err = ParseUser(user); err != nil {
			return nil, err
		}
	}
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		if !inc.Status.Active() {
			return Errorf(KindConflict, "%s is %s; its roles can no longer change", inc.Key, inc.Status)
		}
		return s.giveRole(ctx, tx, inc, role, user, actor, now, "")
	})
}

// giveRole sets the role on inc and records it; why, when set, says why
// the role changed ("first to ack").
func (s *Service) giveRole(ctx context.Context, tx Txn, inc *Incident, role, user, actor string, now time.Time, why string) error {
	old := inc.Commander
	if role != RoleCommander {
		old = inc.Roles[role]
	}
	if old == user {
		if user == "" {
			return Errorf(KindConflict, "nobody is %s of %s", role, inc.Key)
		}
		return Errorf(KindConflict, "@%s is already %s of %s", user, role, inc.Key)
	}
	text := roleText(role, old, user)
	if why != "" {
		text += " (" + why + ")"
	}
	kind := EventRoleChanged
	if role == RoleCommander {
		kind = EventCommanderChanged
		inc.Commander = user
	} else {
		if inc.Roles == nil {
			inc.Roles = map[string]string{}
		}
		if user == "" {
			delete(inc.Roles, role)
		} else {
			inc.Roles[role] = user
		}
		if len(inc.Roles) == 0 {
			inc.Roles = nil
		}
	}
	return tx.Record(ctx, inc, Event{Kind: kind, Actor: actor, Text: text, At: now}, why == "")
}

// roleText says what changed: "commander: @a → @b", "scribe: @c", "comms: nobody (was @d)".
func roleText(role, old, user string) string {
	switch {
	case user == "":
		return role + ": nobody (was @" + old + ")"
	case old == "":
		return role + ": @" + user
	}
	return role + ": @" + old + " → @" + user
}

// takeCommand makes the first to ack the commander of an incident that
// has none (no commander was named and nobody declared it by hand).
func (s *Service) takeCommand(ctx context.Context, tx Txn, inc *Incident, actor string, now time.Time) error {
	if inc.Commander != "" || actor == "" {
		return nil
	}
	if !IsPerson(actor) {
		return nil
	}
	return s.giveRole(ctx, tx, inc, RoleCommander, actor, actor, now, "first to ack")
}

// IsPerson reports whether actor names a person rather than warroom
// itself or the API without a name: only a person takes command.
func IsPerson(actor string) bool {
	if actor == "warroom" || actor == "api" {
		return false
	}
	_, err := ParseUser(actor)
	return err == nil
}

// RoleHolders lists the roles that are held, commander first, then the
// configured roles in the config's order, then any other held role by name
// (one a later config no longer lists), for the header and the card.
func RoleHolders(inc *Incident, names []string) []RoleHolder {
	var out []RoleHolder
	if inc.Commander != "" {
		out = append(out, RoleHolder{Role: RoleCommander, User: inc.Commander})
	}
	done := map[string]bool{RoleCommander: true}
	for _, n := range names {
		if u := inc.Roles[n]; u != "" && !done[n] {
			out = append(out, RoleHolder{Role: n, User: u})
		}
		done[n] = true
	}
	var rest []string
	for n := range inc.Roles {
		if !done[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		out = append(out, RoleHolder{Role: n, User: inc.Roles[n]})
	}
	return out
}

// RoleHolder is one role and who holds it.
type RoleHolder struct {
	Role string `json:"role"`
	User string `json:"user"`
}

package web

import (
	"context"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

var _ Roles = (*fakeService)(nil)

// fakeRoles are the roles the fake knows besides the commander.
var fakeRoles = []string{"comms", "scribe"}

// SetCommander implements Roles.
func (f *fakeService) SetCommander(ctx context.Context, key, actor, user string) (*incident.Incident, error) {
	return f.SetRole(ctx, key, actor, incident.RoleCommander, user)
}

// SetRole implements Roles as its doc comment states: an unknown role or
// a bad name is KindInvalid, a closed or archived incident KindConflict.
func (f *fakeService) SetRole(_ context.Context, key, actor, role, user string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "SetRole", Key: key, Actor: actor, Text: role + " " + user}); err != nil {
		return nil, err
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	names := append([]string{incident.RoleCommander}, fakeRoles...)
	if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+role+" ") {
		return nil, incident.Errorf(incident.KindInvalid, "there is no role %q: the roles are %s", role, strings.Join(names, ", "))
	}
	if user == "" && role == incident.RoleCommander {
		return nil, incident.Errorf(incident.KindInvalid, "an incident always has a commander: name the new one (@name)")
	}
	if user != "" {
		if user, err = incident.ParseUser(user); err != nil {
			return nil, err
		}
	}
	if !inc.Status.Active() {
		return nil, incident.Errorf(incident.KindConflict, "%s is %s; its roles can no longer change", inc.Key, inc.Status)
	}
	kind := incident.EventRoleChanged
	if role == incident.RoleCommander {
		inc.Commander, kind = user, incident.EventCommanderChanged
	} else {
		if inc.Roles == nil {
			inc.Roles = map[string]string{}
		}
		inc.Roles[role] = user
		if user == "" {
			delete(inc.Roles, role)
		}
	}
	f.record(inc, kind, actor, role+": @"+user, f.now())
	return clone(inc), nil
}

// Reopen implements Roles: acked or resolved go back to open.
func (f *fakeService) Reopen(_ context.Context, key, actor, reason string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Reopen", Key: key, Actor: actor, Text: reason}); err != nil {
		return nil, err
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	switch inc.Status {
	case incident.StatusAcked, incident.StatusResolved:
	default:
		return nil, incident.Errorf(incident.KindConflict, "%s is %s and cannot be reopened", inc.Key, inc.Status)
	}
	from := inc.Status
	inc.Status, inc.AckedAt, inc.AckedBy, inc.ResolvedAt = incident.StatusOpen, nil, "", nil
	f.record(inc, incident.EventStatusChanged, actor, string(from)+" → open "+reason, f.now())
	return clone(inc), nil
}

// SetTitle implements Roles: the title is checked as at declaration.
func (f *fakeService) SetTitle(_ context.Context, key, actor, title string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "SetTitle", Key: key, Actor: actor, Text: title}); err != nil {
		return nil, err
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	next := *inc
	next.Title = strings.TrimSpace(title)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	inc.Title = next.Title
	f.record(inc, incident.EventTitleChanged, actor, title, f.now())
	return clone(inc), nil
}

// fakeReports answers fixed cells and keeps the range it was asked for.
type fakeReports struct {
	cells    []incident.ReportCell
	from, to time.Time
}

func (r *fakeReports) ReportCells(_ context.Context, from, to time.Time) ([]incident.ReportCell, error) {
	r.from, r.to = from, to
	var out []incident.ReportCell
	for _, c := range r.cells {
		if !c.Week.Before(from) && c.Week.Before(to) {
			out = append(out, c)
		}
	}
	return out, nil
}

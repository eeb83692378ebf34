package incident

import (
	"context"
	"fmt"
	"strings"
)

// roleCommands name who does what, and retitle the incident.
func roleCommands() []commandSpec {
	return []commandSpec{
		{name: "commander", usage: "commander [@user]", help: "make someone the commander (no name: who leads)",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				if c.Arg == "" {
					return Reply{Text: s.rolesText(c.Inc)}, nil
				}
				inc, err := s.SetCommander(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				if err != nil {
					return failed(err)
				}
				return Reply{Text: fmt.Sprintf("@%s is now the commander of %s.", inc.Commander, inc.Key)}, nil
			}},
		{name: "role", usage: "role <name> <@user|none>", help: "give a role (/incident role alone lists them), or take it away with none",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				role, who, _ := strings.Cut(c.Arg, " ")
				who = strings.TrimSpace(who)
				if role == "" || who == "" {
					if role == "" {
						return Reply{Text: s.rolesText(c.Inc)}, nil
					}
					return failed(Errorf(KindInvalid, "role needs a name and a user: /incident role %s @name (or none to take it away); the roles are %s",
						role, strings.Join(s.RoleNames(), ", ")))
				}
				user := who
				if strings.EqualFold(who, "none") {
					user = ""
				}
				inc, err := s.SetRole(ctx, c.Inc.Key, c.Req.Actor, role, user)
				if err != nil {
					return failed(err)
				}
				role = strings.ToLower(role)
				if user == "" {
					return Reply{Text: fmt.Sprintf("Nobody is %s of %s now.", role, inc.Key)}, nil
				}
				holder := inc.Commander
				if role != RoleCommander {
					holder = inc.Roles[role]
				}
				return Reply{Text: fmt.Sprintf("@%s is now %s of %s.", holder, role, inc.Key)}, nil
			}},
		{name: "title", usage: "title <text>", help: "change the incident's title", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				inc, err := s.SetTitle(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				if err != nil {
					return failed(err)
				}
				return Reply{Text: fmt.Sprintf("%s is now titled %q.", inc.Key, inc.Title)}, nil
			}},
	}
}

// rolesText says who holds which role, and which roles there are.
func (s *Service) rolesText(inc *Incident) string {
	var b strings.Builder
	held := RoleHolders(inc, s.roles)
	if len(held) == 0 {
		fmt.Fprintf(&b, "Nobody holds a role in %s yet.", inc.Key)
	} else {
		parts := make([]string, len(held))
		for i, h := range held {
			parts[i] = h.Role + " @" + h.User
		}
		fmt.Fprintf(&b, "%s: %s.", inc.Key, strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, " Roles: %s; `/incident role <name> @user` gives one, `/incident commander @user` hands over command.", strings.Join(s.RoleNames(), ", "))
	return b.String()
}

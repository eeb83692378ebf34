package incident

import (
	"context"
	"fmt"
	"strings"
)

// followupCommands record action items and mark them done, during or after
// the incident.
func followupCommands() []commandSpec {
	return []commandSpec{
		{name: "followup", usage: "followup <text>", needArg: true,
			help: "record an action item; it becomes a ticket when the incident closes (at once after)",
			run:  func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.followupCommand(ctx, c) }},
		{name: "followups", usage: "followups", help: "list the incident's follow-ups and their state",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.followupsCommand(ctx, c) }},
		{name: "followup-done", usage: "followup-done <number>", needArg: true, help: "mark a follow-up done (one tracked in Jira is resolved there)",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.followupStateCommand(ctx, c, true)
			}},
		{name: "followup-reopen", usage: "followup-reopen <number>", needArg: true, help: "open a follow-up marked done again",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.followupStateCommand(ctx, c, false)
			}},
	}
}

func (s *Service) followupCommand(ctx context.Context, c commandCall) (Reply, error) {
	f, err := s.AddFollowup(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
	if err != nil {
		return failed(err)
	}
	when := "it becomes a ticket when " + c.Inc.Key + " closes"
	switch {
	case s.followupTickets == nil:
		when = "it is kept on the incident's page"
	case !c.Inc.Status.Active():
		when = c.Inc.Key + " is " + string(c.Inc.Status) + ": its ticket is being made now"
	}
	return Reply{Text: fmt.Sprintf("Follow-up #%d recorded: %s; %s.", f.ID, f.Text, when)}, nil
}

func (s *Service) followupsCommand(ctx context.Context, c commandCall) (Reply, error) {
	list, err := s.Followups(ctx, c.Inc.Key)
	if err != nil {
		return failed(err)
	}
	if len(list) == 0 {
		return Reply{Text: c.Inc.Key + " has no follow-ups. Record one: /incident followup <what to do>"}, nil
	}
	var b strings.Builder
	open, done := CountFollowups(list)
	fmt.Fprintf(&b, "Follow-ups of %s (%d open, %d done):\n", c.Inc.Key, open, done)
	for _, f := range list {
		fmt.Fprintf(&b, "- #%d [%s] %s", f.ID, f.State, f.Text)
		if !f.Ticket.Empty() && f.Ticket.Key != "" {
			fmt.Fprintf(&b, " (%s)", f.Ticket.Key)
		}
		b.WriteString("\n")
	}
	return Reply{Text: b.String()}, nil
}

func (s *Service) followupStateCommand(ctx context.Context, c commandCall, done bool) (Reply, error) {
	id, err := ParseFollowupID(c.Arg)
	if err != nil {
		return failed(err)
	}
	f, err := s.SetFollowupDone(ctx, c.Inc.Key, id, c.Req.Actor, done)
	if err != nil {
		return failed(err)
	}
	return Reply{Text: fmt.Sprintf("Follow-up #%d is %s: %s", f.ID, f.State, f.Text)}, nil
}

package incident

import (
	"context"
	"fmt"
	"strings"
)

// downtimeCommands schedule and cancel Icinga 2 downtimes from chat.
func downtimeCommands() []commandSpec {
	return []commandSpec{
		{name: "downtime", usage: "downtime <duration> [comment] | downtime cancel", needArg: true,
			help: "schedule an Icinga 2 downtime of the incident's host or service (e.g. 2h DB maintenance), or cancel it",
			run:  func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.downtimeCommand(ctx, c) }},
	}
}

func (s *Service) downtimeCommand(ctx context.Context, c commandCall) (Reply, error) {
	if s.downtimes.downtimes == nil {
		return Reply{Text: "Downtimes need Icinga 2's API: set sources.icinga2.url, user and password.", Failed: true, Kind: KindConflict}, nil
	}
	if c.Inc.Source != s.downtimes.source || c.Inc.DedupKey == "" {
		return failed(Errorf(KindInvalid, "%s did not come from Icinga 2, so it has no host or service to put in downtime; for Alertmanager alerts use /incident silence 2h", c.Inc.Key))
	}
	first, rest, _ := strings.Cut(c.Arg, " ")
	if strings.EqualFold(first, "cancel") {
		err := s.Update(ctx, func(tx Txn) error {
			j, err := NewJob(JobDowntimeCancel, c.Inc.ID, fmt.Sprintf("%s/downtime/cancel/%d", c.Inc.Key, s.clock.Now().UnixNano()), downtimePayload{Actor: c.Req.Actor})
			if err != nil {
				return err
			}
			return tx.Enqueue(ctx, j)
		})
		return done("Asking Icinga 2 to cancel the downtime of "+c.Inc.DedupKey+"; the outcome is posted here.", err)
	}
	length, err := ParseLength(first)
	if err != nil {
		return failed(Errorf(KindInvalid, "%s, then a comment: /incident downtime 2h DB maintenance, or /incident downtime cancel", strings.TrimSuffix(ErrorMessage(err), " (at most 30d)")))
	}
	comment := strings.TrimSpace(rest)
	if comment == "" {
		comment = "incident " + c.Inc.Key
	}
	now := s.clock.Now()
	p := downtimePayload{Actor: c.Req.Actor, Comment: comment, Start: now, End: now.Add(length)}
	err = s.Update(ctx, func(tx Txn) error {
		j, err := NewJob(JobDowntimeSchedule, c.Inc.ID, fmt.Sprintf("%s/downtime/%d", c.Inc.Key, now.UnixNano()), p)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, j)
	})
	return done(fmt.Sprintf("Asking Icinga 2 for a downtime of %s lasting %s; it is posted here once scheduled.", c.Inc.DedupKey, plainLength(length)), err)
}

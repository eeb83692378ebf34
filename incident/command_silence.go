package incident

import (
	"context"
	"fmt"
	"strings"
)

// silenceCommands make, list and end Alertmanager silences from chat.
func silenceCommands() []commandSpec {
	return []commandSpec{
		{name: "silence", usage: "silence <duration> [matcher…]", needArg: true,
			help: `silence the incident's alerts in Alertmanager (e.g. 2h; matchers like instance="db-1:9100"; default: its group labels)`,
			run:  func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.silenceCommand(ctx, c) }},
		{name: "silences", usage: "silences", help: "list the silences made from this incident",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.silencesCommand(ctx, c) }},
		{name: "unsilence", usage: "unsilence <id>", help: "end a silence (its ID is in /incident silences)", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.unsilenceCommand(ctx, c) }},
	}
}

// noSilences says how to configure Alertmanager's API when it is not.
const noSilences = "Silences need Alertmanager's API: set sources.alertmanager.url (and, when it asks for them, " +
	"sources.alertmanager.api_token or api_user and api_password; WARROOM_SOURCES_ALERTMANAGER_URL and so on in the environment)."

func (s *Service) silenceCommand(ctx context.Context, c commandCall) (Reply, error) {
	if s.silences.silences == nil {
		return Reply{Text: noSilences, Failed: true, Kind: KindConflict}, nil
	}
	req, err := parseSilence(c.Arg, c.Inc)
	if err != nil {
		return failed(err)
	}
	now := s.clock.Now()
	p := silencePayload{Actor: c.Req.Actor, Matchers: req.Matchers, StartsAt: now, EndsAt: now.Add(req.Length)}
	err = s.Update(ctx, func(tx Txn) error {
		j, err := NewJob(JobSilenceCreate, c.Inc.ID, fmt.Sprintf("%s/silence/%d", c.Inc.Key, now.UnixNano()), p)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, j)
	})
	return done(fmt.Sprintf("Asking Alertmanager to silence %s for %s; the silence is posted here once it exists.", formatMatchers(req.Matchers), c.Arg[:strings.IndexAny(c.Arg+" ", " \t")]), err)
}

func (s *Service) silencesCommand(ctx context.Context, c commandCall) (Reply, error) {
	events, err := s.store.Events(ctx, c.Inc.ID)
	if err != nil {
		return Reply{}, err
	}
	ended := map[string]bool{}
	for _, ev := range events {
		if ev.Kind == EventSilenceExpired {
			ended[ev.Ref] = true
		}
	}
	var b strings.Builder
	for _, ev := range events {
		if ev.Kind == EventSilenced && !ended[ev.Ref] {
			fmt.Fprintf(&b, "- `%s`: %s\n", ev.Ref, ev.Text)
		}
	}
	if b.Len() == 0 {
		return Reply{Text: c.Inc.Key + " has no silences made from chat. Make one: /incident silence 2h"}, nil
	}
	return Reply{Text: "Silences of " + c.Inc.Key + ":\n" + b.String()}, nil
}

func (s *Service) unsilenceCommand(ctx context.Context, c commandCall) (Reply, error) {
	if s.silences.silences == nil {
		return Reply{Text: noSilences, Failed: true, Kind: KindConflict}, nil
	}
	id := strings.TrimSpace(c.Arg)
	if strings.ContainsAny(id, " \t/?#") {
		return failed(Errorf(KindInvalid, "%q is not a silence ID: type /incident unsilence <id>, with an ID from /incident silences", id))
	}
	err := s.Update(ctx, func(tx Txn) error {
		j, err := NewJob(JobSilenceExpire, c.Inc.ID, fmt.Sprintf("%s/unsilence/%s/%d", c.Inc.Key, id, s.clock.Now().UnixNano()),
			silencePayload{Actor: c.Req.Actor, ID: id})
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, j)
	})
	return done("Asking Alertmanager to end silence "+id+"; the outcome is posted here.", err)
}

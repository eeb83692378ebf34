package incident

import (
	"context"
	"fmt"
)

// lifecycleCommands move an incident along and record what people say.
func lifecycleCommands() []commandSpec {
	return []commandSpec{
		{name: "ack", usage: "ack", help: "acknowledge: you are on it",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				_, err := s.Ack(ctx, c.Inc.Key, c.Req.Actor)
				return done(fmt.Sprintf("%s acknowledged by @%s.", c.Inc.Key, c.Req.Actor), err)
			}},
		{name: "status", usage: "status <text>", help: "post a status update", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				_, err := s.UpdateStatus(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				return done("Status update recorded.", err)
			}},
		{name: "severity", usage: "severity <level>", help: "change severity (critical, high, warning, info)", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				sev, err := ParseSeverity(c.Arg)
				if err == nil {
					_, err = s.SetSeverity(ctx, c.Inc.Key, c.Req.Actor, sev)
				}
				return done(fmt.Sprintf("%s severity is now %s.", c.Inc.Key, sev), err)
			}},
		{name: "note", usage: "note <text>", help: "add a note to the timeline", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				_, err := s.AddNote(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				return done("Note added to the timeline.", err)
			}},
	}
}

// closeCommands end an incident; help shows them last.
func closeCommands() []commandSpec {
	return []commandSpec{
		{name: "resolve", usage: "resolve [reason]", help: "the problem is gone; the channel stays open",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				_, err := s.Resolve(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				return done(fmt.Sprintf("%s resolved by @%s.", c.Inc.Key, c.Req.Actor), err)
			}},
		{name: "close", usage: "close [reason]", help: "close: archive the transcript, then delete the channel",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				_, err := s.Close(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				return done(fmt.Sprintf("%s closed by @%s. Archiving the transcript; the channel is deleted once the archive is verified.", c.Inc.Key, c.Req.Actor), err)
			}},
	}
}

package incident

import (
	"context"
	"fmt"
)

// reopenCommands take an incident back from acked or resolved.
func reopenCommands() []commandSpec {
	return []commandSpec{
		{name: "reopen", usage: "reopen [reason]", help: "open a resolved or acked incident again",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				_, err := s.Reopen(ctx, c.Inc.Key, c.Req.Actor, c.Arg)
				return done(fmt.Sprintf("%s reopened by @%s.", c.Inc.Key, c.Req.Actor), err)
			}},
	}
}

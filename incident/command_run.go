package incident

import "context"

// runCommands run ChatOps actions from the channel (actions_run*.go).
func runCommands() []commandSpec {
	return []commandSpec{
		{name: "actions", usage: "actions", help: "list the actions, and which of them you may run", global: true,
			run: func(s *Service, _ context.Context, c commandCall) (Reply, error) {
				return s.actions.list(c), nil
			}},
		{name: "run", usage: "run <action> [name=value ...]", help: "run an action (quote values with spaces: name=\"two words\")", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.actions.request(ctx, c)
			}},
		{name: "confirm", usage: "confirm <run>", help: "confirm a run that waits for it", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.actions.confirm(ctx, c)
			}},
	}
}

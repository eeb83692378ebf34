package incident

import "context"

// coreCommands are the commands that need no incident.
func coreCommands() []commandSpec {
	return []commandSpec{
		{name: "help", usage: "help", help: "show this help", global: true,
			run: func(s *Service, _ context.Context, _ commandCall) (Reply, error) {
				return Reply{Text: s.commands.helpText()}, nil
			}},
		{name: "oncall", usage: "oncall", help: "who is on call now and next", global: true,
			run: func(s *Service, _ context.Context, _ commandCall) (Reply, error) {
				if s.onCall == nil {
					return Reply{Text: "No on-call schedules: add them under paging.schedules.", Failed: true, Kind: KindConflict}, nil
				}
				return Reply{Text: s.onCall.Describe(s.clock.Now())}, nil
			}},
	}
}

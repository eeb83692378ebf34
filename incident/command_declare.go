package incident

import (
	"context"
	"fmt"
	"strings"
)

// declareCommands open an incident from any channel of a chat backend.
func declareCommands() []commandSpec {
	return []commandSpec{
		{name: "declare", usage: "declare <title> [severity]", global: true, needArg: true,
			help: "open an incident with its own channel, from any channel (severity: critical, high, warning, info; default warning)",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.declareCommand(ctx, c.Req, c.Arg)
			}},
	}
}

// parseDeclare splits "<title> [severity]": a last word that names a
// severity is the severity, the rest the title.
func parseDeclare(arg string) (title string, sev Severity, err error) {
	title = strings.TrimSpace(arg)
	if i := strings.LastIndexAny(title, " \t"); i > 0 {
		if v, perr := ParseSeverity(title[i+1:]); perr == nil {
			title, sev = strings.TrimSpace(title[:i]), v
		}
	}
	if title == "" {
		return "", 0, Errorf(KindInvalid, "declare needs a title: /incident declare checkout returns 502 high")
	}
	return title, sev, nil
}

// declareCommand opens the incident as the person who typed the command,
// its commander, and says where its page and channel are.
func (s *Service) declareCommand(ctx context.Context, req CommandRequest, arg string) (Reply, error) {
	title, sev, err := parseDeclare(arg)
	if err != nil {
		return failed(err)
	}
	inc, err := s.Declare(ctx, Declaration{Title: title, Severity: sev, Actor: req.Actor, Commander: req.Actor, Source: "chat"})
	if err != nil {
		return failed(err)
	}
	url := s.chat.publicURL + "/incidents/" + inc.Key
	return Reply{Public: true, Text: fmt.Sprintf("@%s declared %s %s (%s). Its own channel is being opened now, with @%s as commander: "+
		"follow it from %s, which links to the channel.", req.Actor, inc.Key, inc.Title, inc.Severity, req.Actor, url)}, nil
}

package incident

import (
	"context"
	"strings"
)

// contextCommands bring context into the channel: the runbook, graphs,
// and people paged by hand.
func contextCommands() []commandSpec {
	return []commandSpec{
		{name: "runbook", usage: "runbook", help: "show the incident's runbook",
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.runbookReply(ctx, c.Inc), nil
			}},
		{name: "graph", usage: "graph <promql> [range]", help: "post a graph of a Prometheus query (range like 30m, 6h; default 1h)", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.chat.graphCommand(ctx, c.Inc, c.Req.Actor, c.Arg)
			}},
		{name: "page", usage: "page <@user|schedule:name>", help: "page someone by hand", needArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) {
				return s.pageCommand(ctx, c.Inc, c.Req.Actor, c.Arg)
			}},
	}
}

// runbookReply shows the matched runbook, or the runbook links, or says
// that there is none and how to add one.
func (s *Service) runbookReply(ctx context.Context, inc *Incident) Reply {
	if rb, ok := s.runbooks.findAny(ctx, inc, s.router.Route(inc.Labels).Runbook); ok {
		return Reply{Text: "**Runbook: " + rb.Title + "**\n\n" + rb.Body}
	}
	var links []string
	for _, l := range inc.Links {
		if l.Title == "Runbook" {
			links = append(links, l.URL)
		}
	}
	if len(links) > 0 {
		return Reply{Text: "Runbook: " + strings.Join(links, " ")}
	}
	return Reply{Text: "No runbook matches " + inc.Key + ": add one to runbooks.dir with front matter naming its alertname, service or labels, or set a runbook_url annotation on the alert."}
}

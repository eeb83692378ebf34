package main

import (
	"net/http"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/web"
)

// ticketWiring is the ticket system chosen by tickets.backend.
type ticketWiring struct {
	tickets interface {
		incident.Tickets
		incident.FollowupTickets
		archive.Tickets
	}
	comments []string
	close    bool
	openFor  func(*incident.Incident) bool
	summary  incident.Renderer // renders the archive summary comment; nil for builtin
	hooks    func(svc *incident.Service) []web.Callback
}

func (m *Main) ticketBackend(local *builtin.Backend, tmpl incident.Renderer) (ticketWiring, error) {
	cfg := m.cfg
	if cfg.Tickets.Backend != "jira" {
		return ticketWiring{tickets: local, hooks: func(*incident.Service) []web.Callback { return nil }}, nil
	}
	jc := cfg.Tickets.Jira
	jc.PublicURL = cfg.PublicURL
	jb, err := jira.New(jc, tmpl, m.log.With("tickets", "jira"), &http.Client{Timeout: 60 * time.Second})
	if err != nil {
		return ticketWiring{}, err
	}
	openFor, err := jc.OpenFor()
	if err != nil {
		return ticketWiring{}, err
	}
	return ticketWiring{tickets: jb, comments: jc.Comments, close: true, openFor: openFor, summary: tmpl,
		hooks: func(svc *incident.Service) []web.Callback {
			return []web.Callback{{Path: jira.HookPath, Source: "jira", Handle: jb.HandleWebhook(svc)}}
		}}, nil
}

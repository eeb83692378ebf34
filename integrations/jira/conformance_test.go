package jira

import (
	"context"
	"log/slog"
	"testing"

	"github.com/warroom/warroom/archive/archivetest"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/tickettest"
	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// nameRenderer renders every template as its name and the incident's key,
// which is all the ticket rules need of the texts.
type nameRenderer struct{}

func (nameRenderer) Render(name string, data any) (string, error) {
	if d, ok := data.(incident.MessageData); ok && d.Incident != nil {
		return name + " " + d.Incident.Key, nil
	}
	return name, nil
}

// RenderText renders a template given as text as its name, like Render.
func (r nameRenderer) RenderText(name, text string, data any) (string, error) {
	return r.Render(name, data)
}

// newJira builds the Jira backend against the fake, logging in as its bot.
func newJira(t *testing.T, j *jiratest.Server, done string) *Backend {
	t.Helper()
	b, err := New(Config{URL: j.URL(), User: "incident-bot", Token: "incident-bot-token", Project: "OPS", DoneTransition: done,
		MaxAttachmentBytes: j.Options().MaxAttachmentBytes},
		nameRenderer{}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTicketsConformance runs the incident.Tickets rules against the Jira
// backend on the jiratest fake, reading back through the fake's inspection.
func TestTicketsConformance(t *testing.T) {
	j := jiratest.New(t, jiratest.Options{})
	tickettest.Run(t, func(t *testing.T) tickettest.Backend {
		return tickettest.Backend{
			Tickets: newJira(t, j, "Done"),
			Comments: func(_ context.Context, ref incident.TicketRef) ([]string, error) {
				var out []string
				for _, c := range j.Issue(ref.Key).Comments {
					out = append(out, c.Body)
				}
				return out, nil
			},
			Done: func(_ context.Context, ref incident.TicketRef) (bool, error) {
				return j.Issue(ref.Key).StatusCategory == jiratest.CategoryDone, nil
			},
			Misconfigured: newJira(t, j, "Finish"),
			Moves:         []string{"Start Progress", "Done"},
		}
	})
}

// TestArchiveTicketsConformance runs the archive.Tickets rules against the
// Jira backend on the jiratest fake, with a small attachment limit; and
// with warroom's limit set above Jira's, so that Jira's 413 is what says
// too large.
func TestArchiveTicketsConformance(t *testing.T) {
	const limit = 4 << 10
	for _, tt := range []struct {
		name         string
		warroomLimit int64
	}{{"warroom knows the limit", limit}, {"Jira answers 413", 10 * limit}} {
		t.Run(tt.name, func(t *testing.T) {
			j := jiratest.New(t, jiratest.Options{MaxAttachmentBytes: limit})
			archivetest.RunTickets(t, func(t *testing.T) archivetest.TicketsBackend {
				b := newJira(t, j, "Done")
				b.cfg.MaxAttachmentBytes = tt.warroomLimit
				return archivetest.TicketsBackend{Tickets: b, Archive: b, MaxBytes: limit}
			})
		})
	}
}

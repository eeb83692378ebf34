package jira

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/fuzzseed"
)

// ticketCheck is a Tickets that fails the test on a call the Service
// could not act on.
type ticketCheck struct{ t *testing.T }

func (c ticketCheck) OpenFromTicket(_ context.Context, ti incident.TicketIncident) (incident.IngestResult, error) {
	if ti.Ticket.Key == "" || ti.Ticket.Backend != Name {
		c.t.Fatalf("open from a ticket without a key: %+v", ti)
	}
	return incident.IngestResult{}, nil
}

func (c ticketCheck) TicketStatusChanged(_ context.Context, ch incident.TicketChange) (incident.IngestResult, error) {
	if ch.Ticket.Key == "" {
		c.t.Fatalf("status change of a ticket without a key: %+v", ch)
	}
	return incident.IngestResult{}, nil
}

// FuzzWebhook feeds bodies to POST /hooks/jira (with the right token): each
// is answered or refused with a KindInvalid error; nothing panics.
func FuzzWebhook(f *testing.F) {
	fuzzseed.Files(f, "testdata/*.json")
	f.Add([]byte(`{"webhookEvent":"jira:issue_updated","issue":{"key":"OPS-1","fields":{"status":null}},"changelog":null}`))
	f.Add([]byte(`{"webhookEvent":"jira:issue_created","issue":{"key":"OPS-1","fields":{"project":{"key":"OPS"},"priority":null,"reporter":null,"labels":["incident"]}}}`))
	b, err := New(Config{URL: "https://jira.example", Token: "t", Project: "OPS", WebhookToken: "tok",
		Trigger: Trigger{Labels: []string{"incident"}, Priorities: []string{"Highest"}}}, nil, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		handle := b.HandleWebhook(ticketCheck{t})
		req := httptest.NewRequest("POST", HookPath+"?token=tok", bytes.NewReader(body))
		out, err := handle(context.Background(), req, body)
		if err != nil {
			if incident.ErrorKind(err) != incident.KindInvalid || strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("error %v (kind %v): want a KindInvalid error that says what is wrong", err, incident.ErrorKind(err))
			}
			return
		}
		if a, ok := out.(hookAnswer); !ok || a.Status == "" {
			t.Fatalf("answer %#v: want a status", out)
		}
	})
}

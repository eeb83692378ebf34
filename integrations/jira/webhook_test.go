package jira

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// recordingTickets is a hand-written stand-in for the incident Service.
type recordingTickets struct {
	opened  []incident.TicketIncident
	changes []incident.TicketChange
}

func (r *recordingTickets) OpenFromTicket(ctx context.Context, t incident.TicketIncident) (incident.IngestResult, error) {
	r.opened = append(r.opened, t)
	return incident.IngestResult{Incident: &incident.Incident{Key: "INC-1"}, Created: true}, nil
}

func (r *recordingTickets) TicketStatusChanged(ctx context.Context, c incident.TicketChange) (incident.IngestResult, error) {
	r.changes = append(r.changes, c)
	return incident.IngestResult{Incident: &incident.Incident{Key: "INC-1"}}, nil
}

func testBackend(t *testing.T, cfg Config) *Backend {
	t.Helper()
	cfg.URL, cfg.Token, cfg.Project = "https://jira.example.com", "t", "OPS"
	b, err := New(cfg, nil, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWebhookAuthentication(t *testing.T) {
	body, err := os.ReadFile("testdata/jira-dc-issue-created-incident.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     Config
		target  string
		sig     string
		wantErr bool
	}{
		{"secret, good signature", Config{WebhookSecret: "s"}, HookPath, jiratest.Sign("s", body), false},
		{"secret, upper-case hex", Config{WebhookSecret: "s"}, HookPath, "sha256=" + strings.ToUpper(strings.TrimPrefix(jiratest.Sign("s", body), "sha256=")), false},
		{"secret, signed with another", Config{WebhookSecret: "s"}, HookPath, jiratest.Sign("other", body), true},
		{"secret, unsigned", Config{WebhookSecret: "s"}, HookPath, "", true},
		{"secret, token instead", Config{WebhookSecret: "s", WebhookToken: "tok"}, HookPath + "?token=tok", "", true},
		{"token, good", Config{WebhookToken: "tok"}, HookPath + "?token=tok", "", false},
		{"token, wrong", Config{WebhookToken: "tok"}, HookPath + "?token=nope", "", true},
		{"token, missing", Config{WebhookToken: "tok"}, HookPath, "", true},
		{"no secret configured refuses", Config{}, HookPath, "", true},
		{"no secret configured, empty token sent", Config{}, HookPath + "?token=", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Trigger = Trigger{Labels: []string{"incident"}}
			b := testBackend(t, tt.cfg)
			r := httptest.NewRequest("POST", tt.target, strings.NewReader(string(body)))
			if tt.sig != "" {
				r.Header.Set("X-Hub-Signature", tt.sig)
			}
			svc := &recordingTickets{}
			_, err := b.HandleWebhook(svc)(context.Background(), r, body)
			if tt.wantErr {
				if incident.ErrorKind(err) != incident.KindUnauthorized || len(svc.opened) != 0 {
					t.Errorf("err = %v, opened %d; want unauthorized and nothing done", err, len(svc.opened))
				}
				return
			}
			if err != nil || len(svc.opened) != 1 {
				t.Errorf("err = %v, opened %d; want one incident", err, len(svc.opened))
			}
		})
	}
}

func TestWebhookPayloads(t *testing.T) {
	tests := []struct {
		file     string
		trigger  Trigger
		opened   int
		changed  int
		done     bool
		ignoring string
	}{
		{"jira-dc-issue-created-incident.json", Trigger{Labels: []string{"incident"}}, 1, 0, false, ""},
		{"jira-dc-issue-created-incident.json", Trigger{Priorities: []string{"Lowest"}}, 0, 0, false, "neither its labels nor its priority"},
		{"jira-dc-issue-created-incident.json", Trigger{}, 0, 0, false, "no trigger configured"},
		{"jira-dc-issue-created-incident.json", Trigger{Project: "SEC", Labels: []string{"incident"}}, 0, 0, false, "is not SEC"},
		{"jira-dc-issue-updated-done.json", Trigger{}, 0, 1, true, ""},
		{"jira-dc-comment-created.json", Trigger{Labels: []string{"incident"}}, 0, 0, false, "comment_created is not used"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.ignoring, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			b := testBackend(t, Config{Trigger: tt.trigger, WebhookToken: "tok"})
			svc := &recordingTickets{}
			out, err := b.HandleWebhook(svc)(context.Background(), httptest.NewRequest("POST", HookPath+"?token=tok", nil), body)
			if err != nil {
				t.Fatal(err)
			}
			ans := out.(hookAnswer)
			if len(svc.opened) != tt.opened || len(svc.changes) != tt.changed || !strings.Contains(ans.Reason, tt.ignoring) {
				t.Errorf("opened %d, changed %d, answer %+v", len(svc.opened), len(svc.changes), ans)
			}
			if tt.changed > 0 && (svc.changes[0].Done != tt.done || svc.changes[0].Seq == 0 || svc.changes[0].At.IsZero()) {
				t.Errorf("change = %+v", svc.changes[0])
			}
			if tt.opened > 0 && (svc.opened[0].Title == "" || svc.opened[0].Ticket.URL != "https://jira.example.com/browse/"+svc.opened[0].Ticket.Key) {
				t.Errorf("opened = %+v", svc.opened[0])
			}
		})
	}
}

package jira

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// HookPath is where Jira's webhook is registered.
const HookPath = "/hooks/jira"

// webhook is the part of a Jira webhook delivery warroom reads.
type webhook struct {
	Timestamp    int64  `json:"timestamp"`
	WebhookEvent string `json:"webhookEvent"`
	User         *user  `json:"user"`
	Issue        *struct {
		Key    string `json:"key"`
		Fields struct {
			Summary     string   `json:"summary"`
			Description string   `json:"description"`
			Labels      []string `json:"labels"`
			Project     struct {
				Key string `json:"key"`
			} `json:"project"`
			Priority *struct {
				Name string `json:"name"`
			} `json:"priority"`
			Status *struct {
				Name           string `json:"name"`
				StatusCategory struct {
					Key string `json:"key"`
				} `json:"statusCategory"`
			} `json:"status"`
			Reporter *user `json:"reporter"`
		} `json:"fields"`
	} `json:"issue"`
	Changelog *struct {
		ID    string `json:"id"`
		Items []struct {
			Field    string `json:"field"`
			ToString string `json:"toString"`
		} `json:"items"`
	} `json:"changelog"`
}

type user struct {
	Name        string `json:"name"`
	AccountID   string `json:"accountId"`
	DisplayName string `json:"displayName"`
}

func (u *user) handle() string {
	switch {
	case u == nil:
		return ""
	case u.Name != "":
		return u.Name
	case u.DisplayName != "":
		return u.DisplayName
	}
	return u.AccountID
}

// Tickets is what the webhook drives in the incident Service.
type Tickets interface {
	OpenFromTicket(ctx context.Context, t incident.TicketIncident) (incident.IngestResult, error)
	TicketStatusChanged(ctx context.Context, c incident.TicketChange) (incident.IngestResult, error)
}

// hookAnswer is the JSON answer to a delivery.
type hookAnswer struct {
	Status   string `json:"status"`
	Incident string `json:"incident,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// HandleWebhook serves POST /hooks/jira: it authenticates the delivery
// (X-Hub-Signature when tickets.jira.webhook_secret is set, else the
// ?token= of the hook URL), opens an incident for a created issue that
// matches the trigger, and closes the incident of an issue moved to done.
// Repeated and late deliveries change nothing.
func (b *Backend) HandleWebhook(svc Tickets) func(ctx context.Context, r *http.Request, body []byte) (any, error) {
	return func(ctx context.Context, r *http.Request, body []byte) (any, error) {
		if err := b.authenticate(r, body); err != nil {
			return nil, err
		}
		if b.seenDelivery(r.Header.Get("X-Atlassian-Webhook-Identifier")) {
			return hookAnswer{Status: "ignored", Reason: "delivery already handled"}, nil
		}
		var w webhook
		if err := json.Unmarshal(body, &w); err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "body is not a Jira webhook: %v", err)
		}
		if w.Issue == nil || w.Issue.Key == "" {
			return hookAnswer{Status: "ignored", Reason: "no issue in " + w.WebhookEvent}, nil
		}
		at := time.UnixMilli(w.Timestamp).UTC()
		var res incident.IngestResult
		var err error
		switch w.WebhookEvent {
		case "jira:issue_created":
			if why := b.triggerMismatch(&w); why != "" {
				return hookAnswer{Status: "ignored", Reason: why}, nil
			}
			f := w.Issue.Fields
			sev := incident.SeverityWarning
			if f.Priority != nil {
				if s, perr := incident.ParseSeverity(f.Priority.Name); perr == nil {
					sev = s
				}
			}
			res, err = svc.OpenFromTicket(ctx, incident.TicketIncident{Ticket: b.ref(w.Issue.Key), Title: f.Summary,
				Summary: f.Description, Reporter: f.Reporter.handle(), Severity: sev, At: at,
				Labels: map[string]string{"jira_project": f.Project.Key, "jira_issue": w.Issue.Key}})
		case "jira:issue_updated":
			if !statusChanged(&w) {
				return hookAnswer{Status: "ignored", Reason: "no status change"}, nil
			}
			done := w.Issue.Fields.Status != nil && w.Issue.Fields.Status.StatusCategory.Key == "done"
			seq, _ := strconv.ParseInt(w.Changelog.ID, 10, 64)
			res, err = svc.TicketStatusChanged(ctx, incident.TicketChange{Ticket: b.ref(w.Issue.Key), Actor: w.User.handle(),
				At: at, Seq: seq, Done: done})
		default:
			return hookAnswer{Status: "ignored", Reason: "event " + w.WebhookEvent + " is not used"}, nil
		}
		if err != nil {
			return nil, err
		}
		ans := hookAnswer{Status: "accepted", Reason: res.Ignored}
		if res.Incident != nil {
			ans.Incident = res.Incident.Key
		}
		if res.Ignored != "" {
			ans.Status = "ignored"
		}
		return ans, nil
	}
}

func (b *Backend) authenticate(r *http.Request, body []byte) error {
	switch {
	case b.cfg.WebhookSecret != "":
		got, ok := strings.CutPrefix(r.Header.Get("X-Hub-Signature"), "sha256=")
		mac := hmac.New(sha256.New, []byte(b.cfg.WebhookSecret))
		mac.Write(body)
		if !ok || !hmac.Equal([]byte(strings.ToLower(got)), []byte(hex.EncodeToString(mac.Sum(nil)))) {
			return incident.Errorf(incident.KindUnauthorized, "missing or wrong X-Hub-Signature: the webhook's secret in Jira must equal tickets.jira.webhook_secret")
		}
	case b.cfg.WebhookToken != "":
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(b.cfg.WebhookToken)) != 1 {
			return incident.Errorf(incident.KindUnauthorized, "missing or wrong token: register the webhook as %s?token=<tickets.jira.webhook_token>", HookPath)
		}
	default:
		return incident.Errorf(incident.KindUnauthorized, "the Jira webhook is off: set tickets.jira.webhook_secret (make one with `warroom secret`) and the same secret in Jira's webhook")
	}
	return nil
}

// triggerMismatch says why a created issue does not open an incident, or "".
func (b *Backend) triggerMismatch(w *webhook) string {
	f := w.Issue.Fields
	t := b.cfg.Trigger
	switch {
	case !t.Enabled():
		return "no trigger configured (tickets.jira.trigger)"
	case !strings.EqualFold(f.Project.Key, t.Project):
		return "project " + f.Project.Key + " is not " + t.Project
	}
	for _, l := range f.Labels {
		if strings.HasPrefix(l, "warroom-") {
			return "warroom created this issue itself"
		}
	}
	for _, want := range t.Labels {
		for _, l := range f.Labels {
			if strings.EqualFold(l, want) {
				return ""
			}
		}
	}
	if f.Priority != nil {
		for _, p := range t.Priorities {
			if strings.EqualFold(p, f.Priority.Name) {
				return ""
			}
		}
	}
	return "neither its labels nor its priority match tickets.jira.trigger"
}

func statusChanged(w *webhook) bool {
	if w.Changelog == nil {
		return false
	}
	for _, it := range w.Changelog.Items {
		if it.Field == "status" {
			return true
		}
	}
	return false
}

// Package pagehook sends each page of the escalation as JSON to a webhook
// (paging.webhook): {"incident": {...}, "user", "why", "key"}, with the
// token as a bearer token. The key is the page's, the same on a retry, so
// the receiver can drop repeats.
package pagehook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// system is the page webhook as httpclass sorts its answers.
var system = httpclass.System{Name: "the page webhook", Otherwise: "check paging.webhook.url and paging.webhook.token"}

// Config is where pages go (paging.webhook in warroom's config).
type Config struct {
	URL   string `yaml:"url"`   // http(s) URL that takes a POST
	Token string `yaml:"token"` // sent as "Authorization: Bearer <token>"; empty sends none
}

// Hook posts pages to one webhook. It is safe for concurrent use.
type Hook struct {
	cfg  Config
	http *http.Client
}

// New returns a Hook; it calls nothing. httpClient nil means a client with
// a 15 s timeout. A URL that cannot be requested fails each page with
// incident.KindPermanent (checking it belongs to the config's validation).
func New(cfg Config, httpClient *http.Client) *Hook {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 15 * time.Second}
	}
	return &Hook{cfg: cfg, http: httpClient}
}

// Name is "webhook", as it appears in the page jobs' keys.
func (h *Hook) Name() string { return "webhook" }

// body is what the webhook gets.
type body struct {
	Incident *incident.Incident `json:"incident"`
	User     string             `json:"user"`
	Why      string             `json:"why"`
	Key      string             `json:"key"`
}

// Page posts the page. Its answer is sorted by the shared rule
// (integrations/internal/httpclass): no answer, 408 and 5xx are
// transient, 429 holds the paging backend as long as the webhook asks,
// any other answer outside 2xx is permanent.
func (h *Hook) Page(ctx context.Context, p escalation.Page) error {
	raw, err := json.Marshal(body{Incident: p.Incident, User: p.User, Why: p.Why, Key: p.Key})
	if err != nil {
		return incident.Errorf(incident.KindInternal, "encode page: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(raw))
	if err != nil {
		return incident.Errorf(incident.KindPermanent, "page webhook %q: %w; check paging.webhook.url", h.cfg.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if h.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.cfg.Token)
	}
	resp, err := h.http.Do(req)
	if err != nil {
		return system.Failure("page", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	}
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return system.Answer("page", resp.StatusCode, resp.Header, errors.New(httpclass.Snippet(detail)))
}

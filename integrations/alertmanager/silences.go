package alertmanager

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// Silences talks to Alertmanager's API v2 about silences; it implements
// incident.Silences.
type Silences struct {
	cfg  Config
	http *http.Client
}

// NewSilences builds the client; it calls nobody.
func NewSilences(cfg Config, hc *http.Client) (*Silences, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sources.alertmanager.url: %q is not Alertmanager's URL, e.g. http://alertmanager:9093", cfg.URL)
	}
	if cfg.APIToken != "" && cfg.APIUser != "" {
		return nil, errors.New("sources.alertmanager: set api_token or api_user and api_password, not both")
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Silences{cfg: cfg, http: hc}, nil
}

// silence is a silence on Alertmanager's wire (postableSilence and
// gettableSilence of its OpenAPI spec).
type silence struct {
	ID        string             `json:"id,omitempty"`
	Matchers  []incident.Matcher `json:"matchers"`
	StartsAt  time.Time          `json:"startsAt"`
	EndsAt    time.Time          `json:"endsAt"`
	CreatedBy string             `json:"createdBy"`
	Comment   string             `json:"comment"`
	Status    *struct {
		State string `json:"state"` // active, pending, expired
	} `json:"status,omitempty"`
}

// system is Alertmanager as the shared classifier knows it: a 400 is the
// silence itself refused (bad matchers, times).
var system = httpclass.System{Name: "Alertmanager", Kinds: map[int]incident.Kind{http.StatusBadRequest: incident.KindInvalid},
	Hints: map[int]string{
		http.StatusUnauthorized: "check sources.alertmanager.api_token, or api_user and api_password",
		http.StatusForbidden:    "check sources.alertmanager.api_token, or api_user and api_password",
	}}

// Create makes the silence, or adopts the live one whose comment holds
// s.Marker (an earlier attempt that made it before its answer was lost).
func (c *Silences) Create(ctx context.Context, s incident.Silence) (string, error) {
	var list []silence
	if err := c.do(ctx, http.MethodGet, "/api/v2/silences", nil, &list); err != nil {
		return "", err
	}
	for _, have := range list {
		if s.Marker != "" && strings.Contains(have.Comment, s.Marker) && (have.Status == nil || have.Status.State != "expired") {
			return have.ID, nil
		}
	}
	var out struct {
		SilenceID string `json:"silenceID"`
	}
	body := silence{Matchers: s.Matchers, StartsAt: s.StartsAt, EndsAt: s.EndsAt, CreatedBy: s.CreatedBy, Comment: s.Comment}
	if err := c.do(ctx, http.MethodPost, "/api/v2/silences", body, &out); err != nil {
		return "", err
	}
	return out.SilenceID, nil
}

// Expire ends the silence; one already expired is done.
func (c *Silences) Expire(ctx context.Context, id string) error {
	var have silence
	if err := c.do(ctx, http.MethodGet, "/api/v2/silence/"+url.PathEscape(id), nil, &have); err != nil {
		return err
	}
	if have.Status != nil && have.Status.State == "expired" {
		return nil
	}
	return c.do(ctx, http.MethodDelete, "/api/v2/silence/"+url.PathEscape(id), nil, nil)
}

// do sends one request and decodes a 200's JSON into out (when not nil).
func (c *Silences) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case c.cfg.APIToken != "":
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIToken)
	case c.cfg.APIUser != "":
		req.SetBasicAuth(c.cfg.APIUser, c.cfg.APIPassword)
	}
	op := method + " " + path
	resp, err := c.http.Do(req)
	if err != nil {
		return system.Failure(op, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if resp.StatusCode != http.StatusOK {
		return system.Answer(op, resp.StatusCode, resp.Header, errors.New(httpclass.Snippet(raw)))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: the answer is not Alertmanager's JSON: %w", op, err)
	}
	return nil
}

// Active lists the active silences.
func (c *Silences) Active(ctx context.Context) ([]incident.ActiveSilence, error) {
	var list []silence
	if err := c.do(ctx, http.MethodGet, "/api/v2/silences", nil, &list); err != nil {
		return nil, err
	}
	var out []incident.ActiveSilence
	for _, s := range list {
		if s.Status != nil && s.Status.State == "active" {
			out = append(out, incident.ActiveSilence{ID: s.ID, Matchers: s.Matchers, EndsAt: s.EndsAt, CreatedBy: s.CreatedBy, Comment: s.Comment})
		}
	}
	return out, nil
}

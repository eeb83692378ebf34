// Package grafana reads Grafana unified alerting's webhook contact point
// (payload version "1") into warroom's alert groups, and verifies its HMAC
// signature. It keeps its own copy of the payload types.
package grafana

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Source is the name alert groups from Grafana carry.
const Source = "grafana"

// Message is the webhook body Grafana POSTs.
type Message struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	Status            string            `json:"status"`
	State             string            `json:"state"`
	Title             string            `json:"title"`
	Message           string            `json:"message"`
	OrgID             int64             `json:"orgId"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`
}

// Alert is one alert of the group, with Grafana's links.
type Alert struct {
	Status       string             `json:"status"`
	Labels       map[string]string  `json:"labels"`
	Annotations  map[string]string  `json:"annotations"`
	StartsAt     time.Time          `json:"startsAt"`
	EndsAt       time.Time          `json:"endsAt"`
	GeneratorURL string             `json:"generatorURL"`
	Fingerprint  string             `json:"fingerprint"`
	SilenceURL   string             `json:"silenceURL"`
	DashboardURL string             `json:"dashboardURL"`
	PanelURL     string             `json:"panelURL"`
	Values       map[string]float64 `json:"values"`
	ValueString  string             `json:"valueString"`
}

// Decode reads a webhook body into an alert group; every problem is a
// KindInvalid error that names the field.
func Decode(body []byte) (incident.AlertGroup, error) {
	var m Message
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&m); err != nil {
		return incident.AlertGroup{}, invalid("body is not a Grafana webhook: %s", incident.JSONProblem(err))
	}
	if m.Version != "1" {
		return incident.AlertGroup{}, invalid("version is %q; warroom reads Grafana's webhook version \"1\" (check that the contact point has no custom payload template)", m.Version)
	}
	if strings.TrimSpace(m.GroupKey) == "" {
		return incident.AlertGroup{}, invalid("groupKey is missing; it is what ties repeats to one incident")
	}
	if len(m.Alerts) == 0 {
		return incident.AlertGroup{}, invalid("alerts is empty")
	}
	g := incident.AlertGroup{Source: Source, DedupKey: m.GroupKey, Labels: withoutInternal(m.CommonLabels), Title: title(m),
		Summary: firstOf(m.CommonAnnotations, "description", "summary")}
	seen := map[string]bool{}
	link := func(title, u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			g.Links = append(g.Links, incident.Link{Title: title, URL: u})
		}
	}
	link("Runbook", firstOf(m.CommonAnnotations, "runbook_url"))
	for i, a := range m.Alerts {
		if a.Status != "firing" && a.Status != "resolved" {
			return incident.AlertGroup{}, invalid("alerts[%d].status is %q; want firing or resolved", i, a.Status)
		}
		if a.StartsAt.IsZero() {
			return incident.AlertGroup{}, invalid("alerts[%d].startsAt is missing", i)
		}
		if a.Fingerprint == "" {
			return incident.AlertGroup{}, invalid("alerts[%d].fingerprint is missing", i)
		}
		summary := firstOf(a.Annotations, "summary", "description")
		if summary == "" {
			summary = a.ValueString
		}
		g.Alerts = append(g.Alerts, incident.Alert{Fingerprint: a.Fingerprint, Firing: a.Status == "firing", Name: a.Labels["alertname"],
			Summary: summary, Labels: withoutInternal(a.Labels), StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC()})
		if sev, err := incident.ParseSeverity(a.Labels["severity"]); err == nil && a.Status == "firing" && sev > g.Severity {
			g.Severity = sev
		}
		link("Runbook", firstOf(a.Annotations, "runbook_url"))
		link("Dashboard", a.DashboardURL)
		link("Panel", a.PanelURL)
		link("Alert rule", a.GeneratorURL)
		link("Silence", a.SilenceURL)
	}
	return g, nil
}

// withoutInternal drops Grafana's bookkeeping labels (__alert_rule_uid__).
func withoutInternal(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if !strings.HasPrefix(k, "__") {
			out[k] = v
		}
	}
	return out
}

func title(m Message) string {
	name := m.CommonLabels["alertname"]
	if name == "" {
		name = m.GroupLabels["alertname"]
	}
	if name == "" && len(m.Alerts) > 0 {
		name = m.Alerts[0].Labels["alertname"]
	}
	if s := firstOf(m.CommonAnnotations, "summary"); s != "" && name != "" {
		return name + ": " + s
	}
	if name != "" {
		return name
	}
	return strings.TrimSpace(m.Title)
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(m[k]); v != "" {
			return v
		}
	}
	return ""
}

func invalid(format string, args ...any) error {
	return incident.Errorf(incident.KindInvalid, format, args...)
}

// Verifier checks Grafana's HMAC signature: lower-case hex of
// HMAC-SHA256(secret, body), or of "<unix seconds>:" + body when a
// timestamp header is configured, in a header (default
// X-Grafana-Alerting-Signature), with no "sha256=" prefix.
type Verifier struct {
	Secret          string
	Header          string        // default X-Grafana-Alerting-Signature
	TimestampHeader string        // optional
	MaxSkew         time.Duration // default 5 minutes
	Now             func() time.Time
}

// Verify returns a KindUnauthorized error for a missing, wrong or stale signature.
func (v Verifier) Verify(r *http.Request, body []byte) error {
	if v.Secret == "" {
		return incident.Errorf(incident.KindUnauthorized, "no HMAC secret configured: set sources.grafana.secret and the same secret in the contact point")
	}
	header := v.Header
	if header == "" {
		header = SignatureHeader
	}
	signed := body
	if v.TimestampHeader != "" {
		ts := r.Header.Get(v.TimestampHeader)
		secs, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return incident.Errorf(incident.KindUnauthorized, "missing or malformed %s: set the contact point's HMAC timestamp header to %s", v.TimestampHeader, v.TimestampHeader)
		}
		now, skew := time.Now(), v.MaxSkew
		if v.Now != nil {
			now = v.Now()
		}
		if skew <= 0 {
			skew = 5 * time.Minute
		}
		if d := now.Sub(time.Unix(secs, 0)); d > skew || d < -skew {
			return incident.Errorf(incident.KindUnauthorized, "signature timestamp is %s off; a replay, or a clock out of sync", d.Round(time.Second))
		}
		signed = append([]byte(ts+":"), body...)
	}
	mac := hmac.New(sha256.New, []byte(v.Secret))
	mac.Write(signed)
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(strings.ToLower(strings.TrimSpace(r.Header.Get(header)))), []byte(want)) {
		return incident.Errorf(incident.KindUnauthorized, "missing or wrong %s: the contact point's HMAC secret must equal sources.grafana.secret", header)
	}
	return nil
}

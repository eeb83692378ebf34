package grafana

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

func TestDecode(t *testing.T) {
	body, err := os.ReadFile("testdata/grafana-firing.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if g.Source != "grafana" || g.Title != "CheckoutErrors: 5xx ratio 4.2%" || g.Severity != incident.SeverityHigh || !strings.HasPrefix(g.DedupKey, "{}/{team=") {
		t.Errorf("group = %+v", g)
	}
	if _, ok := g.Labels["__alert_rule_uid__"]; ok || g.Labels["team"] != "payments" {
		t.Errorf("labels = %v", g.Labels)
	}
	want := []string{"Runbook", "Dashboard", "Panel", "Alert rule", "Silence"}
	if len(g.Links) != len(want) {
		t.Fatalf("links = %+v", g.Links)
	}
	for i, l := range g.Links {
		if l.Title != want[i] {
			t.Errorf("link %d is %q, want %q", i, l.Title, want[i])
		}
	}
	bad := []struct{ name, body, want string }{
		{"alertmanager payload", `{"version":"4","groupKey":"g","alerts":[]}`, `version is "4"`},
		{"no key", `{"version":"1","alerts":[{"status":"firing","startsAt":"2026-01-01T00:00:00Z","fingerprint":"f"}]}`, "groupKey is missing"},
		{"no fingerprint", `{"version":"1","groupKey":"g","alerts":[{"status":"firing","startsAt":"2026-01-01T00:00:00Z"}]}`, "fingerprint is missing"},
		{"truncated", `{"version":"1",`, "ends too early"},
	}
	for _, tt := range bad {
		if _, err := Decode([]byte(tt.body)); incident.ErrorKind(err) != incident.KindInvalid || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want invalid naming %q", tt.name, err, tt.want)
		}
	}
}

func sign(secret, data string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil))
}

func TestVerify(t *testing.T) {
	body := `{"version":"1"}`
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	old := strconv.FormatInt(now.Add(-10*time.Minute).Unix(), 10)
	tests := []struct {
		name    string
		v       Verifier
		headers map[string]string
		ok      bool
	}{
		{"no secret refuses everything", Verifier{}, map[string]string{"X-Grafana-Alerting-Signature": sign("", body)}, false},
		{"good", Verifier{Secret: "s"}, map[string]string{"X-Grafana-Alerting-Signature": sign("s", body)}, true},
		{"upper-case hex", Verifier{Secret: "s"}, map[string]string{"X-Grafana-Alerting-Signature": strings.ToUpper(sign("s", body))}, true},
		{"prefixed is not Grafana's form", Verifier{Secret: "s"}, map[string]string{"X-Grafana-Alerting-Signature": "sha256=" + sign("s", body)}, false},
		{"other secret", Verifier{Secret: "s"}, map[string]string{"X-Grafana-Alerting-Signature": sign("t", body)}, false},
		{"missing", Verifier{Secret: "s"}, nil, false},
		{"custom header", Verifier{Secret: "s", Header: "X-Sig"}, map[string]string{"X-Sig": sign("s", body)}, true},
		{"timestamped", Verifier{Secret: "s", TimestampHeader: "X-Ts"}, map[string]string{"X-Ts": ts, "X-Grafana-Alerting-Signature": sign("s", ts+":"+body)}, true},
		{"timestamp not signed", Verifier{Secret: "s", TimestampHeader: "X-Ts"}, map[string]string{"X-Ts": ts, "X-Grafana-Alerting-Signature": sign("s", body)}, false},
		{"stale timestamp", Verifier{Secret: "s", TimestampHeader: "X-Ts"}, map[string]string{"X-Ts": old, "X-Grafana-Alerting-Signature": sign("s", old+":"+body)}, false},
		{"timestamp missing", Verifier{Secret: "s", TimestampHeader: "X-Ts"}, map[string]string{"X-Grafana-Alerting-Signature": sign("s", body)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.v.Now = func() time.Time { return now }
			r := httptest.NewRequest("POST", "/hooks/grafana", strings.NewReader(body))
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			err := tt.v.Verify(r, []byte(body))
			if (err == nil) != tt.ok {
				t.Fatalf("Verify = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && incident.ErrorKind(err) != incident.KindUnauthorized {
				t.Errorf("kind %s, want unauthorized", incident.ErrorKind(err))
			}
		})
	}
}

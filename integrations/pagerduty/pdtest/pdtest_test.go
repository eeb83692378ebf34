package pdtest_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/pagerduty/pdtest"
)

const key = pdtest.DefaultRoutingKey

// post sends body to the fake as a client would and decodes the answer.
func post(t *testing.T, srv *pdtest.Server, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(srv.URL()+pdtest.EnqueuePath, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatalf("answer %d is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, answer
}

func errorsOf(answer map[string]any) []string {
	var out []string
	list, _ := answer["errors"].([]any)
	for _, e := range list {
		out = append(out, e.(string))
	}
	return out
}

func TestValidation(t *testing.T) {
	trigger := func(payload string) string {
		return `{"routing_key":"` + key + `","event_action":"trigger","dedup_key":"inc-1","payload":` + payload + `}`
	}
	tests := []struct {
		name string
		body string
		want []string // the errors of a 400
	}{
		{"empty object", `{}`, []string{"'routing_key' is missing or blank", "'event_action' is missing or blank"}},
		{"not JSON", `routing_key=x`, []string{"Could not parse the request body as a JSON object"}},
		{"short routing key", `{"routing_key":"e+23rschqsESqk9Q6_-g","event_action":"resolve","dedup_key":"x"}`,
			[]string{"Length of 'routing_key' is incorrect (should be 32 characters)", "'routing_key' cannot contain non-alphanumeric characters."}},
		{"unknown routing key", `{"routing_key":"` + strings.Repeat("Z", 32) + `","event_action":"resolve","dedup_key":"x"}`,
			[]string{"Invalid routing key"}},
		{"unknown action", `{"routing_key":"` + key + `","event_action":"snooze","dedup_key":"x"}`,
			[]string{"'event_action' must be one of trigger, acknowledge or resolve"}},
		{"acknowledge without dedup key", `{"routing_key":"` + key + `","event_action":"acknowledge"}`,
			[]string{"'dedup_key' is missing or blank"}},
		{"long dedup key", `{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"` + strings.Repeat("k", 256) + `"}`,
			[]string{"'dedup_key' must be at most 255 characters long"}},
		{"trigger without payload", `{"routing_key":"` + key + `","event_action":"trigger"}`, []string{"'payload' is missing or blank"}},
		{"payload without fields", trigger(`{}`),
			[]string{"'payload.summary' is missing or blank", "'payload.source' is missing or blank", "'payload.severity' is missing or blank"}},
		{"upper-case severity", trigger(`{"summary":"s","source":"h","severity":"CRITICAL"}`),
			[]string{"'payload.severity' must be one of critical, error, warning or info"}},
		{"severity of the wrong type", trigger(`{"summary":"s","source":"h","severity":2}`),
			[]string{"'payload.severity' has the wrong JSON type (number)", "'payload.severity' is missing or blank"}},
		{"bad timestamp", trigger(`{"summary":"s","source":"h","severity":"info","timestamp":"yesterday"}`),
			[]string{"'payload.timestamp' is not a valid ISO 8601 timestamp"}},
		{"details not an object", trigger(`{"summary":"s","source":"h","severity":"info","custom_details":"x"}`),
			[]string{"'payload.custom_details' must be a JSON object"}},
		{"link without href and plain-http image", `{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"},` +
			`"links":[{"text":"War room"}],"images":[{"src":"http://graphs/x.png"}]}`,
			[]string{"'links[0].href' is missing or blank", "'images[0].src' must be an HTTPS URL"}},
		{"over 512 KB", trigger(`{"summary":"s","source":"h","severity":"info","custom_details":{"log":"` + strings.Repeat("x", 512<<10) + `"}}`),
			[]string{"Event object is too large (the limit is 512 KB)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			status, answer := post(t, srv, tt.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status = %d (%v), want 400", status, answer)
			}
			if answer["status"] != "invalid event" || answer["message"] != "Event object is invalid" {
				t.Errorf("answer = %v, want PagerDuty's invalid-event body", answer)
			}
			if got := errorsOf(answer); !slices.Equal(got, tt.want) {
				t.Errorf("errors\n got %q\nwant %q", got, tt.want)
			}
			if n := len(srv.Incidents()); n != 0 {
				t.Errorf("an invalid event opened %d alerts", n)
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantKey   string // empty: a generated one
		wantAlert bool
	}{
		{"trigger", `{"routing_key":"` + key + `","event_action":"trigger","dedup_key":"inc-42",` +
			`"payload":{"summary":"p99 > 2s","source":"api-1","severity":"critical","timestamp":"2015-07-17T08:42:58.315+0000"}}`, "inc-42", true},
		{"trigger without dedup key", `{"routing_key":"` + key + `","event_action":"trigger",` +
			`"payload":{"summary":"p99 > 2s","source":"api-1","severity":"warning"}}`, "", true},
		{"resolve of an unknown key", `{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"nope"}`, "nope", false},
		{"acknowledge ignores a payload", `{"routing_key":"` + key + `","event_action":"acknowledge","dedup_key":"nope","payload":{}}`, "nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			status, answer := post(t, srv, tt.body)
			if status != http.StatusAccepted || answer["status"] != "success" || answer["message"] != "Event processed" {
				t.Fatalf("answer = %d %v, want 202 success", status, answer)
			}
			got, _ := answer["dedup_key"].(string)
			if tt.wantKey != "" && got != tt.wantKey || tt.wantKey == "" && !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(got) {
				t.Errorf("dedup_key = %q, want %q (or 32 hex digits)", got, tt.wantKey)
			}
			_, ok := srv.Incident(got)
			if ok != tt.wantAlert {
				t.Errorf("alert exists = %v, want %v", ok, tt.wantAlert)
			}
			if r := srv.Requests()[0]; r.Dropped == tt.wantAlert {
				t.Errorf("request dropped = %v, want %v", r.Dropped, !tt.wantAlert)
			}
		})
	}
}

func TestNotTheEndpoint(t *testing.T) {
	srv := pdtest.New(t)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, pdtest.EnqueuePath, http.StatusMethodNotAllowed},
		{http.MethodPost, "/v1/enqueue", http.StatusNotFound},
		{http.MethodPost, "/v2/change/enqueue", http.StatusNotFound},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL()+tt.path, strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
}

// TestRoutingKeys checks that only registered keys are accepted and that a
// follow-up through another key than the trigger's is dropped, as PagerDuty
// matches alerts on both keys.
func TestRoutingKeys(t *testing.T) {
	a, b := strings.Repeat("A", 32), strings.Repeat("B", 32)
	srv := pdtest.New(t, pdtest.Options{RoutingKeys: []string{a, b}})
	steps := []struct {
		body       string
		wantStatus int
	}{
		{`{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"inc-1"}`, http.StatusBadRequest},
		{`{"routing_key":"` + a + `","event_action":"trigger","dedup_key":"inc-1","payload":{"summary":"s","source":"h","severity":"info"}}`, http.StatusAccepted},
		{`{"routing_key":"` + b + `","event_action":"acknowledge","dedup_key":"inc-1"}`, http.StatusAccepted},
	}
	for i, s := range steps {
		if status, answer := post(t, srv, s.body); status != s.wantStatus {
			t.Errorf("step %d: %d %v, want %d", i+1, status, answer, s.wantStatus)
		}
	}
	v, _ := srv.Incident("inc-1")
	if v.Status != pdtest.StatusTriggered || v.RoutingKey != a {
		t.Errorf("alert = %s via %s, want triggered via the first key", v.Status, v.RoutingKey)
	}
	if r := srv.Requests()[2]; !r.Dropped {
		t.Errorf("acknowledge through another routing key was not dropped")
	}
}

func TestInjectedFailures(t *testing.T) {
	srv := pdtest.New(t)
	resolve := `{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"inc-1"}`
	srv.FailNext(2, http.StatusServiceUnavailable)
	srv.RateLimitNext(1)
	srv.FailNext(1, http.StatusBadRequest)
	for range 5 {
		resp, err := http.Post(srv.URL()+pdtest.EnqueuePath, "application/json", strings.NewReader(resolve))
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get("Retry-After"); got != "" {
			t.Errorf("Retry-After = %q; PagerDuty sends none", got)
		}
		resp.Body.Close()
	}
	srv.SetDown(true)
	if resp, err := http.Post(srv.URL()+pdtest.EnqueuePath, "application/json", strings.NewReader(resolve)); err == nil {
		resp.Body.Close()
		t.Errorf("down server answered %d", resp.StatusCode)
	}
	srv.SetDown(false)
	if status, _ := post(t, srv, resolve); status != http.StatusAccepted {
		t.Errorf("after the outage: %d, want 202", status)
	}

	var got []int
	var injected []bool
	for _, r := range srv.Requests() {
		got = append(got, r.Status)
		injected = append(injected, r.Injected)
	}
	if want := []int{503, 503, 429, 400, 202, 0, 202}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if want := []bool{true, true, true, true, false, false, false}; !slices.Equal(injected, want) {
		t.Errorf("injected = %v, want %v", injected, want)
	}
}

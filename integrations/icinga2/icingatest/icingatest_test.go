package icingatest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEventStream drives the service through CRITICAL, an acknowledgement
// and OK, and reads what Icinga 2's event stream sends for each. It records
// one line of each event type in testdata/ when the file is missing (or
// ICINGATEST_RECORD=1), and otherwise checks that the live events still have
// the recorded files' shape.
func TestEventStream(t *testing.T) {
	t.Parallel()
	s := Start(t)
	es := openStream(t, s, s.User, s.Password, "test", "StateChange", "AcknowledgementSet", "AcknowledgementCleared")

	sent := time.Now()
	s.SetServiceState(t, Host, Service, 2, "HTTP CRITICAL - 503 Service Unavailable")
	critical := es.waitFor(t, "StateChange to CRITICAL", func(e event) bool {
		return e.Type == "StateChange" && e.num("state") == 2
	})
	t.Logf("StateChange (CRITICAL) %v after process-check-result returned", critical.at.Sub(sent).Round(time.Millisecond))
	wantFields(t, critical, map[string]any{
		"host": Host, "service": Service, "state": 2.0, "state_type": 1.0,
		"acknowledgement": false, "downtime_depth": 0.0,
	})
	if cr, _ := critical.m["check_result"].(map[string]any); cr == nil || cr["output"] != "HTTP CRITICAL - 503 Service Unavailable" || cr["state"] != 2.0 {
		t.Errorf("StateChange check_result = %v, want output and state 2", critical.m["check_result"])
	}
	if st, typ := s.ServiceState(t, Host, Service); st != 2 || typ != 1 {
		t.Errorf("ServiceState = %d, %d; want 2 (CRITICAL), 1 (HARD)", st, typ)
	}
	if s.ServiceAcknowledged(t, Host, Service) {
		t.Error("ServiceAcknowledged = true before Acknowledge")
	}

	sent = time.Now()
	s.Acknowledge(t, Host, Service, "alice", "looking into it")
	ack := es.waitFor(t, "AcknowledgementSet", func(e event) bool { return e.Type == "AcknowledgementSet" })
	t.Logf("AcknowledgementSet %v after acknowledge-problem returned", ack.at.Sub(sent).Round(time.Millisecond))
	wantFields(t, ack, map[string]any{
		"host": Host, "service": Service, "state": 2.0, "state_type": 1.0,
		"author": "alice", "comment": "looking into it", "acknowledgement_type": 1.0,
		"notify": true, "expiry": 0.0,
	})
	if !s.ServiceAcknowledged(t, Host, Service) {
		t.Error("ServiceAcknowledged = false after Acknowledge")
	}

	sent = time.Now()
	s.SetServiceState(t, Host, Service, 0, "HTTP OK - 200 in 0.012 s")
	ok := es.waitFor(t, "StateChange to OK", func(e event) bool {
		return e.Type == "StateChange" && e.num("state") == 0
	})
	t.Logf("StateChange (OK) %v after process-check-result returned", ok.at.Sub(sent).Round(time.Millisecond))
	wantFields(t, ok, map[string]any{"host": Host, "service": Service, "state": 0.0, "state_type": 1.0})
	// A non-sticky acknowledgement ends when the service recovers.
	cleared := es.waitFor(t, "AcknowledgementCleared", func(e event) bool { return e.Type == "AcknowledgementCleared" })
	wantFields(t, cleared, map[string]any{"host": Host, "service": Service})
	if s.ServiceAcknowledged(t, Host, Service) {
		t.Error("ServiceAcknowledged = true after the service recovered")
	}

	if n := es.unmatched(); len(n) > 0 {
		t.Logf("other events on the stream: %s", strings.Join(n, ", "))
	}
	version := minorVersion(s.Version)
	for _, f := range []struct {
		name string
		e    event
	}{
		{"statechange-critical", critical},
		{"acknowledgementset", ack},
		{"statechange-ok", ok},
		{"acknowledgementcleared", cleared},
	} {
		fixture(t, fmt.Sprintf("icinga2-%s-%s.json", version, f.name), f.e.raw)
	}
}

// TestUserPermissions checks that the ApiUser given to the code under test
// can do what an incident tool needs and no more.
func TestUserPermissions(t *testing.T) {
	t.Parallel()
	s := Start(t)
	do := func(method, path string, body any) (int, string) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, s.URL+path, rd)
		req.SetBasicAuth(s.User, s.Password)
		req.Header.Set("Accept", "application/json")
		c := s.Client()
		c.Timeout = 15 * time.Second
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	target := map[string]any{"type": "Service", "service": Host + "!" + Service}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range target {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	// Icinga 2.13 never answers 403 here: a permission it lacks hides the
	// objects (404 "No objects found.") or, for the event stream, the whole
	// endpoint (404 "The requested path 'v1/events' could not be found...").
	const noObjects, noPath = "No objects found.", "could not be found or the request method is not valid"
	for _, c := range []struct {
		method, path string
		body         any
		want         int
		wantBody     string
	}{
		{"GET", "/v1/objects/services?attrs=state&attrs=acknowledgement", nil, 200, `"name":"web1!http"`},
		{"GET", "/v1/objects/hosts/" + Host, nil, 200, `"name":"web1"`},
		{"POST", "/v1/actions/process-check-result", with(map[string]any{"exit_status": 2, "plugin_output": "CRITICAL"}), 200, "Successfully processed check result"},
		{"POST", "/v1/actions/acknowledge-problem", with(map[string]any{"author": "warroom", "comment": "acked in warroom"}), 200, "Successfully acknowledged problem"},
		{"POST", "/v1/actions/acknowledge-problem", with(map[string]any{"author": "warroom", "comment": "again"}), 409, "already acknowledged"},
		{"POST", "/v1/actions/remove-acknowledgement", target, 200, "Successfully removed acknowledgement"},
		{"GET", "/v1/status", nil, 404, noObjects},
		{"POST", "/v1/actions/reschedule-check", target, 404, noObjects},
		{"GET", "/v1/objects/users", nil, 404, noObjects},
		{"POST", "/v1/events?types=CommentAdded&queue=perm", nil, 404, noPath},
	} {
		got, body := do(c.method, c.path, c.body)
		if got != c.want || !strings.Contains(body, c.wantBody) {
			t.Errorf("%s %s as %s: %d %s; want %d and %q", c.method, c.path, s.User, got, body, c.want, c.wantBody)
		}
	}
}

// TestStartAndStop checks what a client with only URL and CAFile gets, and
// that nothing is left when the test ends.
func TestStartAndStop(t *testing.T) {
	t.Parallel()
	var (
		pid int
		dir string
	)
	t.Run("server", func(t *testing.T) {
		s := Start(t)
		pid, dir = s.PID(), s.dir
		if !regexp.MustCompile(`^https://127\.0\.0\.1:\d+$`).MatchString(s.URL) || !strings.HasPrefix(s.Version, "r2.") {
			t.Errorf("URL %q, Version %q", s.URL, s.Version)
		}
		// What the adapter does: trust CAFile, dial the URL as it is.
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("CAFile %s holds no PEM certificate", s.CAFile)
		}
		c := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		req, _ := http.NewRequest("GET", s.URL+"/v1/objects/services", nil)
		req.SetBasicAuth(s.User, s.Password)
		req.Header.Set("Accept", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET /v1/objects/services with only CAFile: %v", err)
		}
		var a objectsAnswer
		err = json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || len(a.Results) != 1 || a.Results[0].Name != Host+"!"+Service {
			t.Errorf("GET /v1/objects/services: status %d, %+v, %v; want exactly web1!http", resp.StatusCode, a, err)
		}
		req, _ = http.NewRequest("GET", s.URL+"/v1/objects/hosts", nil)
		req.SetBasicAuth(s.User, s.Password+"x")
		req.Header.Set("Accept", "application/json")
		if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET with a wrong password: %v, %v; want 401", resp, err)
		} else {
			resp.Body.Close()
		}
		if got := groupMembers(pid); len(got) < 2 {
			t.Errorf("process group %d has %v; want the umbrella and the worker (and the spawn helper)", pid, got)
		}
	})
	if pid == 0 {
		return // skipped
	}
	if left := groupMembers(pid); len(left) > 0 {
		t.Errorf("icinga2 processes %v (group %d) still run after the test", left, pid)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("instance directory %s still exists after the test: %v", dir, err)
	}
}

// TestIcingaCert shows what a production-like certificate means for a
// client: it names only the node, so dialing 127.0.0.1 needs ServerName.
func TestIcingaCert(t *testing.T) {
	t.Parallel()
	s := StartWith(t, Options{IcingaCert: true})
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	get := func(cfg *tls.Config) error {
		c := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
		req, _ := http.NewRequest("GET", s.URL+"/v1/objects/hosts", nil)
		req.SetBasicAuth(s.User, s.Password)
		req.Header.Set("Accept", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	var hostErr x509.HostnameError
	if err := get(&tls.Config{RootCAs: pool}); !errors.As(err, &hostErr) {
		t.Errorf("with CAFile only: %v; want an x509.HostnameError", err)
	} else {
		t.Logf("with CAFile only, as expected: %v", err)
	}
	if err := get(&tls.Config{RootCAs: pool, ServerName: s.ServerName}); err != nil {
		t.Errorf("with CAFile and ServerName %q: %v", s.ServerName, err)
	}
	// The helpers use ServerName and work either way.
	s.SetServiceState(t, Host, Service, 1, "WARNING")
	if st, _ := s.ServiceState(t, Host, Service); st != 1 {
		t.Errorf("ServiceState = %d, want 1", st)
	}
}

func TestConfig(t *testing.T) {
	cfg := config(15665, "pw", "adminpw", Options{Config: `object Host "db1" { check_command = "dummy" }`})
	for _, want := range []string{
		`bind_host = "127.0.0.1"`, "bind_port = 15665", `object ApiUser "warroom"`, `password = "pw"`,
		`"events/StateChange", "events/CheckResult"`, `"actions/acknowledge-problem"`, `"objects/query/Service"`,
		`object Host "web1"`, `object Service "http"`, `host_name = "web1"`, "max_check_attempts = 1",
		"enable_active_checks = false", `object Host "db1"`,
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "conf.d") || strings.Contains(cfg, "/etc/icinga2") {
		t.Errorf("config refers to the system's configuration:\n%s", cfg)
	}
	defs, err := defines("/x")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(defs); i += 2 {
		if v := defs[i][strings.IndexByte(defs[i], '=')+1:]; strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "/x/") {
			t.Errorf("define %s is outside the instance directory", defs[i])
		}
	}
}

// ---- the event stream, read with net/http ----

// event is one line of the stream.
type event struct {
	Type string
	raw  []byte
	m    map[string]any
	at   time.Time // when the line arrived
}

func (e event) num(key string) float64 {
	f, _ := e.m[key].(float64)
	return f
}

type eventStream struct {
	mu     sync.Mutex
	events []event
	used   []bool
	err    error // why reading ended
	more   chan struct{}
}

// openStream POSTs /v1/events with the types and queue in the URL and reads
// the answer's lines in the background until the test ends.
func openStream(t *testing.T, s *Server, user, password, queue string, types ...string) *eventStream {
	t.Helper()
	q := url.Values{"queue": {queue}, "types": types}
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v1/events?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	req.Header.Set("Accept", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatalf("POST /v1/events: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		t.Fatalf("POST /v1/events: %s: %s", resp.Status, b)
	}
	t.Logf("event stream open: %s, Content-Type %q, Transfer-Encoding %v, Content-Length %d",
		resp.Proto, resp.Header.Get("Content-Type"), resp.TransferEncoding, resp.ContentLength)
	es := &eventStream{more: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := bufio.NewReaderSize(resp.Body, 64<<10)
		for {
			line, err := r.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				e := event{raw: bytes.TrimRight(line, "\r\n"), at: time.Now()}
				if jerr := json.Unmarshal(e.raw, &e.m); jerr != nil {
					e.Type = "(undecodable: " + jerr.Error() + ")"
				} else {
					e.Type, _ = e.m["type"].(string)
				}
				es.mu.Lock()
				es.events = append(es.events, e)
				es.used = append(es.used, false)
				es.mu.Unlock()
				es.signal()
			}
			if err != nil {
				es.mu.Lock()
				es.err = err
				es.mu.Unlock()
				es.signal()
				return
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
	})
	return es
}

func (es *eventStream) signal() {
	select {
	case es.more <- struct{}{}:
	default:
	}
}

// streamWait is how long an event may take: Icinga 2.13 sometimes holds an
// event back for about 5 s (until its inbox's wait times out).
const streamWait = 20 * time.Second

// waitFor returns the first event not returned before that matches.
func (es *eventStream) waitFor(t *testing.T, what string, match func(event) bool) event {
	t.Helper()
	deadline := time.After(streamWait)
	for {
		es.mu.Lock()
		for i, e := range es.events {
			if !es.used[i] && match(e) {
				es.used[i] = true
				es.mu.Unlock()
				return e
			}
		}
		err, seen := es.err, len(es.events)
		es.mu.Unlock()
		if err != nil {
			t.Fatalf("waiting for %s: the stream ended (%v) after %d events", what, err, seen)
		}
		select {
		case <-es.more:
		case <-deadline:
			t.Fatalf("no %s on the event stream within %v; %d other events: %s", what, streamWait, seen, strings.Join(es.unmatched(), ", "))
		}
	}
}

// unmatched lists the types of events no waitFor returned.
func (es *eventStream) unmatched() []string {
	es.mu.Lock()
	defer es.mu.Unlock()
	var out []string
	for i, e := range es.events {
		if !es.used[i] {
			out = append(out, e.Type)
		}
	}
	return out
}

// wantFields checks top-level fields of an event (numbers as float64).
func wantFields(t *testing.T, e event, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got, ok := e.m[k]; !ok || got != v {
			t.Errorf("%s: %s = %#v (present %v), want %#v; event %s", e.Type, k, got, ok, v, e.raw)
		}
	}
	if ts, ok := e.m["timestamp"].(float64); !ok || time.Since(time.Unix(int64(ts), 0)).Abs() > time.Minute {
		t.Errorf("%s: timestamp %v is not the Unix time now", e.Type, e.m["timestamp"])
	}
}

// ---- recorded fixtures ----

// fixture writes raw as testdata/name if that file is missing or
// ICINGATEST_RECORD=1; otherwise it checks that raw has the shape (keys and
// JSON kinds, recursively) of the recorded line.
func fixture(t *testing.T, name string, raw []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	old, err := os.ReadFile(path)
	if os.Getenv("ICINGATEST_RECORD") == "1" || errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(path, append(slices.Clone(raw), '\n'), 0o644); err != nil {
			t.Fatalf("record %s: %v", path, err)
		}
		t.Logf("recorded %s", path)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shapeOf(t, raw), shapeOf(t, old); got != want {
		t.Errorf("the live event no longer has the shape of %s (re-record with ICINGATEST_RECORD=1 if Icinga 2 changed):\n got %s\nwant %s", path, got, want)
	}
}

// shapeOf describes a JSON document's structure: object keys (sorted) and
// the kind of every value, e.g. {a:number,b:[string],c:null}.
func shapeOf(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("shape of %s: %v", raw, err)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			ks := make([]string, 0, len(x))
			for k := range x {
				ks = append(ks, k)
			}
			slices.Sort(ks)
			b.WriteString("{")
			for i, k := range ks {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(k + ":")
				walk(x[k])
			}
			b.WriteString("}")
		case []any:
			b.WriteString("[")
			if len(x) > 0 {
				walk(x[0])
			}
			b.WriteString("]")
		case string:
			b.WriteString("string")
		case float64:
			b.WriteString("number")
		case bool:
			b.WriteString("bool")
		case nil:
			b.WriteString("null")
		}
	}
	walk(v)
	return b.String()
}

// minorVersion turns "r2.13.6-1" into "2.13".
func minorVersion(v string) string {
	m := regexp.MustCompile(`(\d+)\.(\d+)`).FindStringSubmatch(v)
	if m == nil {
		return "unknown"
	}
	return m[1] + "." + m[2]
}

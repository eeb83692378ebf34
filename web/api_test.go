package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// incidentList is the answer of GET /api/v1/incidents.
type incidentList struct {
	Incidents []incident.Incident `json:"incidents"`
}

func keysOf(list []incident.Incident) []string {
	var out []string
	for _, inc := range list {
		out = append(out, inc.Key)
	}
	return out
}

// seed stores three incidents: INC-1 "disk full" open, INC-2 "latency
// high" acked, INC-3 "disk slow" resolved.
func seed(x *harness) {
	x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Source: "api"})
	x.svc.add(incident.Incident{Title: "latency high", Severity: incident.SeverityWarning, Status: incident.StatusAcked, AckedBy: "bob"})
	x.svc.add(incident.Incident{Title: "disk slow", Severity: incident.SeverityInfo, Status: incident.StatusResolved})
}

func TestAPIListIncidents(t *testing.T) {
	tests := []struct {
		query      string
		wantFilter incident.Filter
		wantKeys   []string
	}{
		{"", incident.Filter{}, []string{"INC-3", "INC-2", "INC-1"}},
		{"?status=open,acked", incident.Filter{Status: []incident.Status{"open", "acked"}}, []string{"INC-2", "INC-1"}},
		{"?status=open&status=RESOLVED", incident.Filter{Status: []incident.Status{"open", "resolved"}}, []string{"INC-3", "INC-1"}},
		{"?status=,", incident.Filter{}, []string{"INC-3", "INC-2", "INC-1"}},
		{"?q=disk", incident.Filter{Query: "disk"}, []string{"INC-3", "INC-1"}},
		{"?limit=1&offset=1", incident.Filter{Limit: 1, Offset: 1}, []string{"INC-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			x := newHarness(t, Config{})
			seed(x)
			x.svc.takeCalls()
			w := x.api("GET", "/api/v1/incidents"+tt.query, "")
			wantStatus(t, w, http.StatusOK)
			if diff := cmp.Diff(tt.wantKeys, keysOf(decode[incidentList](t, w).Incidents)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			wantCalls(t, x.svc, call{Method: "List", Arg: tt.wantFilter})
		})
	}
}

func TestAPIListIncidentsRefusesBadFilters(t *testing.T) {
	tests := []struct{ query, says string }{
		{"?status=bogus", `unknown status "bogus"`},
		{"?status=open,nope", `unknown status "nope"`},
		{"?limit=-1", `limit="-1" is not a non-negative number`},
		{"?offset=x", `offset="x" is not a non-negative number`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			x := newHarness(t, Config{})
			wantError(t, x.api("GET", "/api/v1/incidents"+tt.query, ""), http.StatusBadRequest, incident.KindInvalid, tt.says)
			wantCalls(t, x.svc)
		})
	}
}

func TestAPIGetIncident(t *testing.T) {
	x := newHarness(t, Config{})
	seed(x)
	for _, key := range []string{"INC-2", "inc-2", "2"} {
		w := x.api("GET", "/api/v1/incidents/"+key, "")
		wantStatus(t, w, http.StatusOK)
		wantIncident(t, decode[incident.Incident](t, w), x.svc.stored("INC-2"))
	}
	wantError(t, x.api("GET", "/api/v1/incidents/INC-9", ""), http.StatusNotFound, incident.KindNotFound, "INC-9")
	wantError(t, x.api("GET", "/api/v1/incidents/nope", ""), http.StatusBadRequest, incident.KindInvalid, `"nope" is not an incident key`)
}

func TestAPIDeclare(t *testing.T) {
	tests := []struct {
		name string
		body string
		want incident.Declaration
	}{
		{"every field", `{"title":"db down","severity":"sev2","summary":"writes fail","labels":{"team":"db"},"commander":"alice","actor":"bob"}`,
			incident.Declaration{Title: "db down", Severity: incident.SeverityHigh, Summary: "writes fail", Labels: map[string]string{"team": "db"},
				Commander: "alice", Actor: "bob", Source: "api"}},
		{"the actor defaults to api, the severity to the service's", `{"title":"db down","actor":"  "}`,
			incident.Declaration{Title: "db down", Actor: "api", Source: "api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			w := x.api("POST", "/api/v1/incidents", tt.body)
			wantStatus(t, w, http.StatusCreated)
			if loc := w.Result().Header.Get("Location"); loc != "/api/v1/incidents/INC-1" {
				t.Errorf("Location %q, want /api/v1/incidents/INC-1", loc)
			}
			wantIncident(t, decode[incident.Incident](t, w), x.svc.stored("INC-1"))
			wantCalls(t, x.svc, call{Method: "Declare", Actor: tt.want.Actor, Arg: tt.want})
			if n := x.kicks.Load(); n != 1 {
				t.Errorf("the job runner was woken %d times, want once", n)
			}
		})
	}
}

func TestAPIDeclareRefusesBadBodies(t *testing.T) {
	tests := []struct {
		name, body string
		says       []string
	}{
		{"no body", "", []string{"request body is empty; send a JSON object"}},
		{"blank body", " \n", []string{"request body is empty"}},
		{"an unknown field", `{"title":"x","colour":"red"}`, []string{`unknown field "colour"`}},
		{"a field of the wrong type", `{"title":5}`, []string{`field "title" is a JSON number, want string`}},
		{"not an object", `["x"]`, []string{"the body is a JSON array"}},
		{"malformed", `{"title":"x"`, []string{"JSON ends too early"}},
		{"broken", `{"title" "x"}`, []string{"malformed JSON at byte"}},
		{"two objects", `{"title":"x"} {"title":"y"}`, []string{"unexpected data after the JSON object"}},
		{"a stray closing brace", `{"title":"x"}}`, []string{"unexpected data after the JSON object"}},
		{"a stray closing bracket", `{"title":"x"}]`, []string{"unexpected data after the JSON object"}},
		{"a stray comma", `{"title":"x"},`, []string{"unexpected data after the JSON object"}},
		{"an unknown severity", `{"title":"x","severity":"sev9"}`, []string{`unknown severity "sev9"`, "critical, high, warning, info"}},
		{"no title (the service says)", `{"title":"","severity":"p1"}`, []string{"title is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			w := x.do(req{method: "POST", path: "/api/v1/incidents", body: tt.body, header: []string{"Content-Type", "application/json"}})
			wantError(t, w, http.StatusBadRequest, incident.KindInvalid, tt.says...)
			if n := x.kicks.Load(); n != 0 {
				t.Errorf("a refused declaration woke the job runner %d times", n)
			}
			if x.svc.stored("INC-1") != nil {
				t.Error("a refused declaration stored an incident")
			}
		})
	}
}

// Every body is limited to Config.MaxBodyBytes, and the answer says the
// limit.
func TestAPIBodyLimit(t *testing.T) {
	x := newHarness(t, Config{MaxBodyBytes: 64})
	seed(x)
	long := `{"title":"` + strings.Repeat("x", 64) + `"}`
	for _, path := range []string{"/api/v1/incidents", "/api/v1/incidents/INC-1/notes", "/api/v1/incidents/INC-1/ack"} {
		wantError(t, x.api("POST", path, long), http.StatusBadRequest, incident.KindInvalid, "larger than the limit of 64 bytes")
	}
	fits := `{"text":"` + strings.Repeat("x", 64-len(`{"text":""}`)) + `"}`
	wantStatus(t, x.api("POST", "/api/v1/incidents/INC-1/notes", fits), http.StatusOK)
}

func TestAPIMoves(t *testing.T) {
	jsonCT := []string{"Content-Type", "application/json"}
	tests := []struct {
		name     string
		status   incident.Status // of INC-1 before
		path     string
		body     string
		wantCall call
		want     incident.Status
	}{
		{"ack", incident.StatusOpen, "ack", `{"actor":"bob"}`, call{Method: "Ack", Key: "INC-1", Actor: "bob"}, incident.StatusAcked},
		{"ack with no body", incident.StatusOpen, "ack", "", call{Method: "Ack", Key: "INC-1", Actor: "api"}, incident.StatusAcked},
		{"resolve with a reason", incident.StatusAcked, "resolve", `{"actor":"bob","reason":"rolled back"}`,
			call{Method: "Resolve", Key: "INC-1", Actor: "bob", Text: "rolled back"}, incident.StatusResolved},
		{"close", incident.StatusResolved, "close", `{"actor":"carol","reason":"done"}`,
			call{Method: "Close", Key: "INC-1", Actor: "carol", Text: "done"}, incident.StatusClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Status: tt.status})
			w := x.do(req{method: "POST", path: "/api/v1/incidents/INC-1/" + tt.path, body: tt.body, header: jsonCT})
			wantStatus(t, w, http.StatusOK)
			got := decode[incident.Incident](t, w)
			wantIncident(t, got, x.svc.stored("INC-1"))
			if got.Status != tt.want {
				t.Errorf("status %s, want %s", got.Status, tt.want)
			}
			wantCalls(t, x.svc, tt.wantCall)
			if n := x.kicks.Load(); n != 1 {
				t.Errorf("the job runner was woken %d times, want once", n)
			}
		})
	}
}

func TestAPIMovesRefused(t *testing.T) {
	tests := []struct {
		name   string
		status incident.Status
		path   string
		body   string
		code   int
		kind   incident.Kind
		says   []string
	}{
		{"ack twice", incident.StatusAcked, "INC-1/ack", `{"actor":"carol"}`, 409, incident.KindConflict, []string{"INC-1 is already acked by bob"}},
		{"resolve a closed one", incident.StatusClosed, "INC-1/resolve", `{}`, 409, incident.KindConflict,
			[]string{"INC-1 is closed and cannot become resolved", "it can become: archived"}},
		{"close an archived one", incident.StatusArchived, "INC-1/close", `{}`, 409, incident.KindConflict, []string{"it is final"}},
		{"ack a missing one", incident.StatusOpen, "INC-7/ack", `{}`, 404, incident.KindNotFound, []string{"INC-7"}},
		{"ack a malformed key", incident.StatusOpen, "x7/ack", `{}`, 400, incident.KindInvalid, []string{`"x7" is not an incident key`}},
		{"an actor of the wrong type", incident.StatusOpen, "INC-1/ack", `{"actor":1}`, 400, incident.KindInvalid, []string{`field "actor"`}},
		{"an unknown field", incident.StatusOpen, "INC-1/close", `{"why":"x"}`, 400, incident.KindInvalid, []string{`unknown field "why"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Status: tt.status, AckedBy: "bob"})
			before := x.svc.stored("INC-1")
			wantError(t, x.api("POST", "/api/v1/incidents/"+tt.path, tt.body), tt.code, tt.kind, tt.says...)
			if diff := cmp.Diff(before, x.svc.stored("INC-1")); diff != "" {
				t.Errorf("a refused move changed the incident (-before +after):\n%s", diff)
			}
			if n := x.kicks.Load(); n != 0 {
				t.Errorf("a refused move woke the job runner %d times", n)
			}
		})
	}
}

func TestAPIUpdates(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		body     string
		wantCall call
		check    func(*incident.Incident) string
	}{
		{"severity by alias", "severity", `{"actor":"bob","severity":"P1"}`,
			call{Method: "SetSeverity", Key: "INC-1", Actor: "bob", Arg: incident.SeverityCritical},
			func(inc *incident.Incident) string { return inc.Severity.String() + " want critical" }},
		{"status update", "status", `{"text":"rolled back, watching"}`,
			call{Method: "UpdateStatus", Key: "INC-1", Actor: "api", Text: "rolled back, watching"},
			func(inc *incident.Incident) string { return inc.StatusMsg + " want rolled back, watching" }},
		{"note", "notes", `{"actor":"carol","text":"EU only"}`,
			call{Method: "AddNote", Key: "INC-1", Actor: "carol", Text: "EU only"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh})
			w := x.api("POST", "/api/v1/incidents/INC-1/"+tt.path, tt.body)
			wantStatus(t, w, http.StatusOK)
			got := decode[incident.Incident](t, w)
			wantIncident(t, got, x.svc.stored("INC-1"))
			if tt.check != nil {
				if got, want, _ := strings.Cut(tt.check(&got), " want "); got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			}
			wantCalls(t, x.svc, tt.wantCall)
			if n := x.kicks.Load(); n != 1 {
				t.Errorf("the job runner was woken %d times, want once", n)
			}
		})
	}
}

func TestAPIUpdatesRefused(t *testing.T) {
	tests := []struct {
		name   string
		status incident.Status
		path   string
		body   string
		code   int
		kind   incident.Kind
		says   string
		called bool // the service was asked (it refused)
	}{
		{"an unknown severity", incident.StatusOpen, "severity", `{"severity":"bad"}`, 400, incident.KindInvalid, `unknown severity "bad"`, false},
		{"no severity", incident.StatusOpen, "severity", `{}`, 400, incident.KindInvalid, `unknown severity ""`, false},
		{"the same severity", incident.StatusOpen, "severity", `{"severity":"high"}`, 409, incident.KindConflict, "INC-1 is already high", true},
		{"severity of a closed one", incident.StatusClosed, "severity", `{"severity":"info"}`, 409, incident.KindConflict, "can no longer change", true},
		{"an empty note", incident.StatusOpen, "notes", `{"text":"  "}`, 400, incident.KindInvalid, "the note is empty", true},
		{"a note without a body", incident.StatusOpen, "notes", ``, 400, incident.KindInvalid, "request body is empty", false},
		{"a status of an archived one", incident.StatusArchived, "status", `{"text":"x"}`, 409, incident.KindConflict, "timeline is final", true},
		{"text of the wrong type", incident.StatusOpen, "status", `{"text":["x"]}`, 400, incident.KindInvalid, `field "text"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Status: tt.status})
			w := x.do(req{method: "POST", path: "/api/v1/incidents/INC-1/" + tt.path, body: tt.body, header: []string{"Content-Type", "application/json"}})
			wantError(t, w, tt.code, tt.kind, tt.says)
			if called := len(x.svc.takeCalls()) > 0; called != tt.called {
				t.Errorf("service called: %v, want %v", called, tt.called)
			}
		})
	}
}

// Every error kind answers with its status from web/errors.go, on reads
// and writes alike, with the error's message; an internal error's text
// stays in the log.
func TestAPIErrorKinds(t *testing.T) {
	tests := []struct {
		err  error
		code int
		kind incident.Kind
		says string
	}{
		{incident.Errorf(incident.KindInvalid, "bad input"), 400, incident.KindInvalid, "bad input"},
		{incident.Errorf(incident.KindNotFound, "gone"), 404, incident.KindNotFound, "gone"},
		{incident.Errorf(incident.KindConflict, "clash"), 409, incident.KindConflict, "clash"},
		{incident.Errorf(incident.KindUnauthorized, "who are you"), 401, incident.KindUnauthorized, "who are you"},
		{incident.Errorf(incident.KindForbidden, "not you"), 403, incident.KindForbidden, "not you"},
		{incident.Errorf(incident.KindTooMany, "slow down"), 429, incident.KindTooMany, "slow down"},
		{incident.Errorf(incident.KindTransient, "store busy"), 503, incident.KindTransient, "store busy"},
		{incident.Errorf(incident.KindPermanent, "jira refused"), 502, incident.KindPermanent, "jira refused"},
		{fmt.Errorf("load INC-1: %w", incident.Errorf(incident.KindNotFound, "INC-1 is gone")), 404, incident.KindNotFound, "INC-1 is gone"},
		{fmt.Errorf("disk I/O error at /var/lib/secret.db"), 500, incident.KindInternal, "internal error; the details are in warroom's log"},
		{incident.Errorf(incident.KindInternal, "constraint failed on secret_table"), 500, incident.KindInternal, "internal error; the details are in warroom's log"},
	}
	endpoints := []struct {
		method, path, body, fails string
	}{
		{"GET", "/api/v1/incidents/INC-1", "", "Get"},
		{"GET", "/api/v1/incidents", "", "List"},
		{"GET", "/api/v1/incidents/INC-1/timeline", "", "Timeline"},
		{"POST", "/api/v1/incidents", `{"title":"x"}`, "Declare"},
		{"POST", "/api/v1/incidents/INC-1/ack", `{}`, "Ack"},
		{"POST", "/api/v1/incidents/INC-1/resolve", `{}`, "Resolve"},
		{"POST", "/api/v1/incidents/INC-1/close", `{}`, "Close"},
		{"POST", "/api/v1/incidents/INC-1/severity", `{"severity":"info"}`, "SetSeverity"},
		{"POST", "/api/v1/incidents/INC-1/status", `{"text":"x"}`, "UpdateStatus"},
		{"POST", "/api/v1/incidents/INC-1/notes", `{"text":"x"}`, "AddNote"},
	}
	for _, tt := range tests {
		for _, e := range endpoints {
			t.Run(fmt.Sprintf("%d/%s", tt.code, e.fails), func(t *testing.T) {
				x := newHarness(t, Config{})
				x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh})
				x.svc.failOn(e.fails, tt.err)
				w := x.api(e.method, e.path, e.body)
				wantError(t, w, tt.code, tt.kind, tt.says)
				if strings.Contains(w.Body.String(), "secret") {
					t.Errorf("the answer shows internals: %s", w.Body)
				}
				auth := w.Result().Header.Get("WWW-Authenticate")
				if (tt.code == 401) != (auth == `Bearer realm="warroom"`) {
					t.Errorf("WWW-Authenticate %q on a %d", auth, tt.code)
				}
			})
		}
	}
}

// With api.token set, every API call needs it as a Bearer token; then a
// write need not be JSON-typed (no browser page can send the header).
func TestAPIToken(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		code   int
	}{
		{"no token", nil, 401},
		{"a wrong token", []string{"Authorization", "Bearer nope"}, 401},
		{"the token under another scheme", []string{"Authorization", "Basic s3cret"}, 401},
		{"the token without a scheme", []string{"Authorization", "s3cret"}, 401},
		{"the token", []string{"Authorization", "Bearer s3cret"}, 200},
		{"the token, scheme in lower case", []string{"Authorization", "bearer s3cret"}, 200},
	}
	x := newHarness(t, Config{APIToken: "s3cret"})
	seed(x)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := fmt.Sprintf("198.51.100.%d:1000", i+1) // each its own address, clear of the limiter
			for _, path := range []string{"/api/v1/incidents", "/api/v1/incidents/INC-1", "/api/v1/jobs"} {
				w := x.do(req{method: "GET", path: path, header: tt.header, addr: addr})
				if tt.code == 401 {
					wantError(t, w, 401, incident.KindUnauthorized, `send "Authorization: Bearer <api.token>"`)
					if got := w.Result().Header.Get("WWW-Authenticate"); got != `Bearer realm="warroom"` {
						t.Errorf("WWW-Authenticate %q", got)
					}
					continue
				}
				wantStatus(t, w, tt.code)
			}
		})
	}
	t.Run("a write typed text/plain, with the token", func(t *testing.T) {
		w := x.do(req{method: "POST", path: "/api/v1/incidents/INC-1/ack", body: `{"actor":"bob"}`,
			header: []string{"Authorization", "Bearer s3cret", "Content-Type", "text/plain"}})
		wantStatus(t, w, 200)
	})
	t.Run("a write without the token is not run", func(t *testing.T) {
		x.svc.takeCalls()
		w := x.do(req{method: "POST", path: "/api/v1/incidents/INC-1/resolve", body: `{}`, addr: "203.0.113.9:1",
			header: []string{"Content-Type", "application/json"}})
		wantError(t, w, 401, incident.KindUnauthorized)
		wantCalls(t, x.svc)
	})
}

// Without api.token, API writes must say they are JSON: a form or
// text/plain body is what another site's page can make a browser send.
func TestAPIWritesMustBeJSON(t *testing.T) {
	tests := []struct {
		contentType string
		ok          bool
	}{
		{"", false},
		{"text/plain", false},
		{"text/plain; charset=utf-8", false},
		{"application/x-www-form-urlencoded", false},
		{"multipart/form-data; boundary=xyz", false},
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"Application/JSON", true},
	}
	for _, tt := range tests {
		name := tt.contentType
		if name == "" {
			name = "no Content-Type"
		}
		t.Run(name, func(t *testing.T) {
			x := newHarness(t, Config{})
			x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh})
			w := x.do(req{method: "POST", path: "/api/v1/incidents/INC-1/notes", body: `{"text":"hi"}`, header: []string{"Content-Type", tt.contentType}})
			if tt.ok {
				wantStatus(t, w, 200)
				return
			}
			wantError(t, w, 400, incident.KindInvalid, "Content-Type: application/json", fmt.Sprintf("(got %q)", tt.contentType))
			wantCalls(t, x.svc)
		})
	}
	x := newHarness(t, Config{})
	wantStatus(t, x.do(req{method: "GET", path: "/api/v1/incidents"}), 200) // reads need no type
}

// A state-changing request that a browser sends from another site is
// refused before it runs; public_url's origin is warroom's own.
func TestAPICrossSite(t *testing.T) {
	tests := []struct {
		name   string
		method string
		header []string
		code   int
	}{
		{"Sec-Fetch-Site cross-site", "POST", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"Sec-Fetch-Site same-site", "POST", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"another Origin", "POST", []string{"Origin", "https://evil.example"}, 403},
		{"Sec-Fetch-Site same-origin", "POST", []string{"Sec-Fetch-Site", "same-origin"}, 200},
		{"public_url's origin behind a proxy", "POST", []string{"Origin", "https://warroom.example.com"}, 200},
		{"no browser headers (curl, webhooks)", "POST", nil, 200},
		{"a cross-site read", "GET", []string{"Sec-Fetch-Site", "cross-site"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{PublicURL: "https://warroom.example.com/"})
			x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh})
			body := ""
			if tt.method == "POST" {
				body = `{"text":"hi"}`
			}
			w := x.do(req{method: tt.method, path: "/api/v1/incidents/INC-1/notes", body: body,
				header: append([]string{"Content-Type", "application/json", "Host", "10.0.0.5:8080"}, tt.header...)})
			if tt.code == 403 {
				wantError(t, w, 403, incident.KindForbidden, "cross-site request refused", "POST /api/v1/incidents/INC-1/notes")
				wantCalls(t, x.svc)
				return
			}
			if tt.method == "GET" {
				wantError(t, w, 400, incident.KindInvalid, "GET is not allowed") // notes are POST only
				return
			}
			wantStatus(t, w, tt.code)
		})
	}
}

// On a loopback listener (Config.Hosts set) only the known names and
// loopback addresses are answered: DNS rebinding reaches nothing.
func TestHostCheck(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"localhost:8080", true},
		{"LOCALHOST.", true},
		{"127.0.0.1:8080", true},
		{"127.8.9.10", true},
		{"[::1]:8080", true},
		{"warroom.internal:8080", true},
		{"evil.example", false},
		{"evil.example:8080", false},
		{"10.0.0.5:8080", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			x := newHarness(t, Config{Hosts: []string{"localhost", "warroom.internal"}})
			w := x.do(req{method: "GET", path: "/healthz", header: []string{"Host", tt.host}})
			if tt.ok {
				wantStatus(t, w, 200)
				return
			}
			wantError(t, w, 403, incident.KindForbidden, fmt.Sprintf("Host %q is not this warroom", tt.host), "localhost, warroom.internal")
		})
	}
}

func TestAPITimeline(t *testing.T) {
	x := newHarness(t, Config{})
	x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh})
	wantStatus(t, x.api("POST", "/api/v1/incidents/INC-1/ack", `{"actor":"bob"}`), 200)
	x.clock.Advance(1)
	wantStatus(t, x.api("POST", "/api/v1/incidents/INC-1/notes", `{"actor":"bob","text":"EU only"}`), 200)
	w := x.api("GET", "/api/v1/incidents/INC-1/timeline", "")
	wantStatus(t, w, 200)
	got := decode[struct {
		Events []incident.Event `json:"events"`
	}](t, w).Events
	want := []incident.Event{
		{ID: 1, Kind: incident.EventStatusChanged, Actor: "bob", Text: "open → acked ", At: t0, RecordedAt: t0},
		{ID: 2, Kind: incident.EventNote, Actor: "bob", Text: "EU only", At: t0.Add(1), RecordedAt: t0.Add(1)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	wantError(t, x.api("GET", "/api/v1/incidents/INC-5/timeline", ""), 404, incident.KindNotFound, "INC-5")
}

func TestAPIRoutesNotThere(t *testing.T) {
	x := newHarness(t, Config{})
	wantError(t, x.api("GET", "/api/v1/nope", ""), 404, incident.KindNotFound, "no such page: GET /api/v1/nope")
	wantError(t, x.api("GET", "/nope", ""), 404, incident.KindNotFound, "no such page: GET /nope")
	wantError(t, x.api("PUT", "/api/v1/incidents", `{}`), 400, incident.KindInvalid, "PUT is not allowed on /api/v1/incidents")
}

package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/sqlite"
)

// keyed is an answer to a request sent with an Idempotency-Key.
type keyed struct {
	code     int
	body     []byte
	replayed bool
	location string
}

// sendKeyed posts body (JSON) to the API path with the Idempotency-Key
// key ("" sends none) and returns the answer with its headers.
func sendKeyed(t *testing.T, h *harness, path, key, body string) keyed {
	t.Helper()
	req, err := http.NewRequest("POST", h.URL+"/api/v1"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testAPIToken)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return keyed{code: resp.StatusCode, body: raw, replayed: resp.Header.Get("Idempotent-Replayed") == "true", location: resp.Header.Get("Location")}
}

// countTitled counts the incidents listed with title.
func countTitled(t *testing.T, h *harness, title string) int {
	t.Helper()
	var list struct {
		Incidents []apiIncident `json:"incidents"`
	}
	h.get("/incidents", &list)
	n := 0
	for _, inc := range list.Incidents {
		if inc.Title == title {
			n++
		}
	}
	return n
}

// errorKind reads the kind of a JSON error answer.
func errorKind(t *testing.T, raw []byte) (kind, message string) {
	t.Helper()
	var e struct {
		Error struct {
			Kind    string `json:"kind"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("the answer is not a JSON error: %v\n%s", err, raw)
	}
	return e.Error.Kind, e.Error.Message
}

// TestIdempotencyKeyDeclareOnce: a declare retried with its
// Idempotency-Key makes one incident and answers the first answer again,
// byte for byte, marked as a replay; the same key with another body or on
// another path is 422, a key empty or too long 400, and a declare without
// the header makes a new incident each time, as before.
func TestIdempotencyKeyDeclareOnce(t *testing.T) {
	h := startHarness(t, testConfig(t))
	body := `{"title": "checkout down", "severity": "high"}`
	first := sendKeyed(t, h, "/incidents", "retry-1", body)
	if first.code != 201 || first.replayed {
		t.Fatalf("first declare: %d replayed=%v %s", first.code, first.replayed, first.body)
	}
	again := sendKeyed(t, h, "/incidents", `"retry-1"`, body) // the draft's quoted form names the same key
	if again.code != 201 || !again.replayed || !bytes.Equal(again.body, first.body) || again.location != first.location {
		t.Errorf("retry: %d replayed=%v location %q\n%s\nwant the first answer\n%s", again.code, again.replayed, again.location, again.body, first.body)
	}
	if n := countTitled(t, h, "checkout down"); n != 1 {
		t.Fatalf("%d incidents after a retried declare, want 1", n)
	}

	for _, tt := range []struct {
		name, path, key, body string
		code                  int
		kind, says            string
	}{
		{"another body", "/incidents", "retry-1", `{"title": "checkout down", "severity": "critical"}`, 422, "unprocessable", "another body"},
		{"another path", "/incidents/INC-1/notes", "retry-1", `{"text": "looking"}`, 422, "unprocessable", "POST /api/v1/incidents"},
		{"empty key", "/incidents", `""`, body, 400, "invalid", "empty"},
		{"key too long", "/incidents", strings.Repeat("k", 256), body, 400, "invalid", "limit is 255"},
		{"unterminated string", "/incidents", `"open`, body, 400, "invalid", "closing quote"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := sendKeyed(t, h, tt.path, tt.key, tt.body)
			kind, msg := errorKind(t, got.body)
			if got.code != tt.code || kind != tt.kind || !strings.Contains(msg, tt.says) {
				t.Errorf("%d %s %q, want %d %s saying %q", got.code, kind, msg, tt.code, tt.kind, tt.says)
			}
		})
	}
	if got := sendKeyed(t, h, "/incidents", strings.Repeat("k", 255), `{"title": "longest key"}`); got.code != 201 {
		t.Errorf("a key of 255 bytes: %d %s", got.code, got.body)
	}
	if n := countTitled(t, h, "checkout down"); n != 1 {
		t.Errorf("%d incidents after the refused requests, want 1", n)
	}
	for range 2 {
		if got := sendKeyed(t, h, "/incidents", "", `{"title": "no key"}`); got.code != 201 || got.replayed {
			t.Fatalf("declare without a key: %d replayed=%v", got.code, got.replayed)
		}
	}
	if n := countTitled(t, h, "no key"); n != 2 {
		t.Errorf("%d incidents from two declares without a key, want 2", n)
	}
}

// TestIdempotencyKeyOnTheIncidentsWrites: a note, a status update and a
// follow-up retried with their keys are recorded once; a refused request
// (an incident that does not exist) keeps nothing, so the same key works
// once the path is right.
func TestIdempotencyKeyOnTheIncidentsWrites(t *testing.T) {
	h := startHarness(t, testConfig(t))
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]string{"title": "queue stuck"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	base := "/incidents/" + inc.Key
	if got := sendKeyed(t, h, "/incidents/INC-999/notes", "note-1", `{"text": "restarted the consumer"}`); got.code != 404 {
		t.Fatalf("a note on a missing incident: %d %s", got.code, got.body)
	}
	for _, tt := range []struct{ path, key, body string }{
		{base + "/notes", "note-1", `{"text": "restarted the consumer"}`},
		{base + "/status", "status-1", `{"text": "consumer back, draining"}`},
		{base + "/followups", "followup-1", `{"text": "alert on consumer lag"}`},
	} {
		first := sendKeyed(t, h, tt.path, tt.key, tt.body)
		if first.code/100 != 2 || first.replayed {
			t.Fatalf("%s: %d replayed=%v %s", tt.path, first.code, first.replayed, first.body)
		}
		again := sendKeyed(t, h, tt.path, tt.key, tt.body)
		if again.code != first.code || !again.replayed || !bytes.Equal(again.body, first.body) {
			t.Errorf("%s retried: %d replayed=%v\n%s\nwant\n%s", tt.path, again.code, again.replayed, again.body, first.body)
		}
	}
	var tl struct {
		Events []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		} `json:"events"`
	}
	h.get(base+"/timeline", &tl)
	counts := map[string]int{}
	for _, e := range tl.Events {
		counts[e.Text]++
	}
	for _, text := range []string{"restarted the consumer", "consumer back, draining"} {
		if counts[text] != 1 {
			t.Errorf("the timeline holds %q %d times, want once: %+v", text, counts[text], tl.Events)
		}
	}
	var fl struct {
		Followups []struct {
			Text string `json:"text"`
		} `json:"followups"`
	}
	h.get(base+"/followups", &fl)
	if len(fl.Followups) != 1 {
		t.Errorf("follow-ups %+v, want one", fl.Followups)
	}
}

// TestIdempotencyKeyConcurrentRetries: requests with one key sent at once
// make one incident; each of them is answered with it (201, the others
// replays) or told to retry later (409).
func TestIdempotencyKeyConcurrentRetries(t *testing.T) {
	h := startHarness(t, testConfig(t))
	const n = 8
	answers := make([]keyed, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { answers[i] = sendKeyed(t, h, "/incidents", "storm-1", `{"title": "storm"}`) })
	}
	wg.Wait()
	made, replays, conflicts := 0, 0, 0
	var first []byte
	for _, a := range answers {
		switch {
		case a.code == 201 && !a.replayed:
			made++
			first = a.body
		case a.code == 201:
			replays++
		case a.code == 409:
			conflicts++
			if kind, msg := errorKind(t, a.body); kind != "conflict" || !strings.Contains(msg, "retry in a few seconds") {
				t.Errorf("409 answer %s %q, want a conflict that says to retry later", kind, msg)
			}
		default:
			t.Errorf("answer %d %s", a.code, a.body)
		}
	}
	if made != 1 || made+replays+conflicts != n {
		t.Fatalf("%d made, %d replays, %d conflicts of %d; want one made", made, replays, conflicts, n)
	}
	for _, a := range answers {
		if a.replayed && !bytes.Equal(a.body, first) {
			t.Errorf("a replay answered\n%s\nnot the first answer\n%s", a.body, first)
		}
	}
	if got := countTitled(t, h, "storm"); got != 1 {
		t.Errorf("%d incidents from %d requests with one key, want 1", got, n)
	}
}

// TestIdempotencyKeySurvivesRestart: a key kept before warroom restarts
// on its SQLite file answers the retry after it.
func TestIdempotencyKeySurvivesRestart(t *testing.T) {
	cfg := testConfig(t)
	h := startHarness(t, cfg)
	body := `{"title": "disk full", "severity": "critical"}`
	first := sendKeyed(t, h, "/incidents", "restart-1", body)
	if first.code != 201 {
		t.Fatalf("declare: %d %s", first.code, first.body)
	}
	h.stop()
	h = startHarness(t, cfg)
	again := sendKeyed(t, h, "/incidents", "restart-1", body)
	if again.code != 201 || !again.replayed || !bytes.Equal(again.body, first.body) {
		t.Errorf("retry after the restart: %d replayed=%v\n%s\nwant\n%s", again.code, again.replayed, again.body, first.body)
	}
	if n := countTitled(t, h, "disk full"); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
}

// TestIdempotencyKeyAcrossReplicasOnPostgres: a declare sent to one
// replica and retried on another is made once: the keys live in the
// database both share.
func TestIdempotencyKeyAcrossReplicasOnPostgres(t *testing.T) {
	cfg := testConfig(t)
	cfg.Store = StoreConfig{Driver: driverPostgres, DSN: pgtest.Database(t)}
	a, b := startHarness(t, cfg), startHarness(t, cfg)
	body := `{"title": "api 500s"}`
	first := sendKeyed(t, a, "/incidents", "replica-1", body)
	if first.code != 201 {
		t.Fatalf("declare on a: %d %s", first.code, first.body)
	}
	again := sendKeyed(t, b, "/incidents", "replica-1", body)
	if again.code != 201 || !again.replayed || !bytes.Equal(again.body, first.body) {
		t.Errorf("retry on b: %d replayed=%v\n%s\nwant\n%s", again.code, again.replayed, again.body, first.body)
	}
	if n := countTitled(t, b, "api 500s"); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
	if got := sendKeyed(t, b, "/incidents", "replica-1", `{"title": "api 503s"}`); got.code != 422 {
		t.Errorf("another body on b: %d %s", got.code, got.body)
	}
}

// TestIdempotencyKeyCrashBeforeTheAnswerIsNotRunAgain: warroom stopped
// after a declare with a key committed its incident and before it stored
// the answer (the key is left reserved, running, as the first write left
// it). After the restart the retry is refused with 409 saying the outcome
// is unknown, and no second incident is made: at most once.
func TestIdempotencyKeyCrashBeforeTheAnswerIsNotRunAgain(t *testing.T) {
	cfg := testConfig(t)
	body := `{"title": "payments stuck"}`
	h := startHarness(t, cfg)
	if got := sendKeyed(t, h, "/incidents", "", body); got.code != 201 {
		t.Fatalf("declare: %d %s", got.code, got.body)
	}
	h.stop()

	// The reservation the crashed request made, five minutes ago, with the
	// caller the API names for testAPIToken (web's tokenFP).
	db, err := sqlite.Open(context.Background(), cfg.Store.DSN, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte(testAPIToken))
	mac.Write([]byte("warroom session"))
	then := &fixedClock{t: time.Now().Add(-5 * time.Minute)}
	if _, fresh, err := incident.NewIdempotency(db, then, nil).Begin(context.Background(), hex.EncodeToString(mac.Sum(nil)),
		"crash-1", "POST", "/api/v1/incidents", []byte(body)); err != nil || !fresh {
		t.Fatalf("reserve: fresh %v, %v", fresh, err)
	}
	db.Close()

	h = startHarness(t, cfg)
	got := sendKeyed(t, h, "/incidents", "crash-1", body)
	kind, msg := errorKind(t, got.body)
	if got.code != 409 || kind != "conflict" || !strings.Contains(msg, "interrupted") || !strings.Contains(msg, "new key") {
		t.Errorf("retry after the crash: %d %s %q; want 409 saying it was interrupted and to check, then use a new key", got.code, kind, msg)
	}
	if n := countTitled(t, h, "payments stuck"); n != 1 {
		t.Errorf("%d incidents, want the one made before the crash", n)
	}
}

// fixedClock is a clock stopped at t.
type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

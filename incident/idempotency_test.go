package incident_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// TestParseIdempotencyKey: the draft's Structured Field string and the
// bare key most clients send are read; anything else is KindInvalid.
func TestParseIdempotencyKey(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		bad      bool
	}{
		{in: "8e03978e-40d5-43e8-bc93-6894a57f9324", want: "8e03978e-40d5-43e8-bc93-6894a57f9324"},
		{in: `"8e03978e-40d5"`, want: "8e03978e-40d5"},
		{in: ` "with space" `, want: "with space"},
		{in: `"esc \" and \\"`, want: `esc " and \`},
		{in: strings.Repeat("k", incident.MaxIdempotencyKey), want: strings.Repeat("k", incident.MaxIdempotencyKey)},
		{in: "", bad: true},
		{in: `""`, bad: true},
		{in: strings.Repeat("k", incident.MaxIdempotencyKey+1), bad: true},
		{in: `"` + strings.Repeat("k", incident.MaxIdempotencyKey+1) + `"`, bad: true},
		{in: "two words", bad: true},
		{in: `"open`, bad: true},
		{in: `"a"b`, bad: true},
		{in: `"bad \n escape"`, bad: true},
		{in: "caf\u00e9", bad: true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := incident.ParseIdempotencyKey(tt.in)
			if tt.bad {
				if incident.ErrorKind(err) != incident.KindInvalid {
					t.Errorf("ParseIdempotencyKey(%q) = %q, %v; want KindInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseIdempotencyKey(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestIdempotencyRules walks one key through its life on the SQLite
// store, on a clock the test moves: a new key runs; a retry while it runs
// is told to retry later, and once it ran too long that it was
// interrupted (never run again); a 2xx answer is kept and given back; an
// answer that is not a 2xx frees the key; a day later the key is new.
func TestIdempotencyRules(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules := incident.NewIdempotency(db, clock, nil)
	body := []byte(`{"title": "db down"}`)
	begin := func(key, path string, body []byte) (incident.IdempotentRequest, bool, error) {
		return rules.Begin(ctx, "token", key, "POST", path, body)
	}

	r, fresh, err := begin("k1", "/api/v1/incidents", body)
	if err != nil || !fresh {
		t.Fatalf("a new key: fresh %v, %v", fresh, err)
	}
	if _, _, err := begin("k1", "/api/v1/incidents", body); incident.ErrorKind(err) != incident.KindConflict || !strings.Contains(err.Error(), "retry in a few seconds") {
		t.Errorf("a retry while it runs: %v; want a conflict that says to retry", err)
	}
	clock.add(incident.IdempotencyStale)
	if _, _, err := begin("k1", "/api/v1/incidents", body); incident.ErrorKind(err) != incident.KindConflict || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("a retry after it ran too long: %v; want a conflict that says it was interrupted", err)
	}
	for _, tt := range []struct {
		name, path string
		body       []byte
	}{{"another body", "/api/v1/incidents", []byte(`{"title": "db up"}`)}, {"another path", "/api/v1/incidents/INC-1/notes", body}} {
		if _, _, err := begin("k1", tt.path, tt.body); incident.ErrorKind(err) != incident.KindUnprocessable {
			t.Errorf("%s: %v; want KindUnprocessable", tt.name, err)
		}
	}

	rules.Finish(ctx, r, 201, []byte(`{"key": "INC-1"}`), "/api/v1/incidents/INC-1")
	got, fresh, err := begin("k1", "/api/v1/incidents", body)
	if err != nil || fresh || got.Status != 201 || string(got.Body) != `{"key": "INC-1"}` || got.Location != "/api/v1/incidents/INC-1" {
		t.Errorf("a retry after the answer: %+v, fresh %v, %v; want the answer", got, fresh, err)
	}

	for _, status := range []int{400, 404, 409, 500, 503} {
		r, fresh, err := begin("k-failed", "/api/v1/incidents", body)
		if err != nil || !fresh {
			t.Fatalf("status %d: the key is not free: fresh %v, %v", status, fresh, err)
		}
		rules.Finish(ctx, r, status, []byte(`{"error": {}}`), "")
	}

	clock.add(incident.IdempotencyTTL)
	if _, fresh, err := begin("k1", "/api/v1/incidents/INC-1/notes", body); err != nil || !fresh {
		t.Errorf("a day later the key is not new: fresh %v, %v", fresh, err)
	}
	for _, bad := range []string{"", strings.Repeat("x", 256)} {
		if _, _, err := begin(bad, "/api/v1/incidents", body); incident.ErrorKind(err) != incident.KindInvalid {
			t.Errorf("key of %d bytes: %v; want KindInvalid", len(bad), err)
		}
	}
}

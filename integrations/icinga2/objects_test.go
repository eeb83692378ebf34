package icinga2

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// TestAcknowledgeAnswers: Icinga 2's answers to an acknowledgement, sorted
// by the shared rule. A 429 (from a proxy in front of Icinga) used to be
// permanent here, unlike every other adapter: it now waits and retries.
func TestAcknowledgeAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header []string
		body   string
		kind   incident.Kind // "": no error
		hold   time.Duration
		msg    string
	}{
		{"acknowledged", 200, nil, `{"results":[{"code":200}]}`, "", 0, ""},
		{"already acknowledged", 409, nil, `{"results":[{"code":409}]}`, "", 0, ""},
		{"wrong password", 401, nil, `Unauthorized. Please check your user credentials.`, incident.KindPermanent, 0,
			"acknowledge web1!http: Icinga 2 answered 401: Unauthorized. Please check your user credentials.; check sources.icinga2.user and .password"},
		{"not visible", 404, nil, `{"error":404,"status":"No objects found."}`, incident.KindPermanent, 0,
			`acknowledge web1!http: Icinga 2 answered 404: {"error":404,"status":"No objects found."}; the object is missing or the ApiUser lacks the permission for it`},
		{"server error", 500, nil, `boom`, incident.KindTransient, 0, "acknowledge web1!http: Icinga 2 answered 500: boom"},
		{"rate limited", 429, []string{"Retry-After", "9"}, `slow down`, incident.KindTransient, 9*time.Second + 100*time.Millisecond,
			"acknowledge web1!http: Icinga 2 answered 429 (rate limited): slow down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for i := 0; i+1 < len(tt.header); i += 2 {
					w.Header().Set(tt.header[i], tt.header[i+1])
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			c, err := New(Config{URL: srv.URL, User: "warroom"}, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Acknowledge(context.Background(), &incident.Incident{Key: "INC-1", Source: Source, DedupKey: "web1!http"}, "alice")
			if tt.kind == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if k := incident.ErrorKind(err); k != tt.kind {
				t.Errorf("kind %s, want %s (%v)", k, tt.kind, err)
			}
			if m := incident.ErrorMessage(err); m != tt.msg {
				t.Errorf("message\n %q, want\n %q", m, tt.msg)
			}
			var ra *incident.RetryAfter
			if held := errors.As(err, &ra); held != (tt.hold > 0) || held && ra.After != tt.hold {
				t.Errorf("retry after %v, want %s", ra, tt.hold)
			}
		})
	}
}

// TestUnreachable: no answer is transient and names the call.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := New(Config{URL: url, User: "warroom"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Acknowledge(context.Background(), &incident.Incident{Key: "INC-1", Source: Source, DedupKey: "db1"}, "alice")
	if incident.ErrorKind(err) != incident.KindTransient || !strings.Contains(err.Error(), "acknowledge db1: Icinga 2 is unreachable") {
		t.Errorf("err = %v (kind %s)", err, incident.ErrorKind(err))
	}
}

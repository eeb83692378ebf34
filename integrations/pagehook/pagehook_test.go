package pagehook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/integrations/pagehook"
)

// received is one page as the webhook got it.
type received struct {
	Auth     string
	Incident struct {
		Key   string `json:"key"`
		Title string `json:"title"`
	} `json:"incident"`
	User string `json:"user"`
	Why  string `json:"why"`
	Key  string `json:"key"`
}

func TestPageIsPostedAsJSONWithTheToken(t *testing.T) {
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rc received
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with content type %q, want a JSON POST", r.Method, r.Header.Get("Content-Type"))
		}
		if err := json.NewDecoder(r.Body).Decode(&rc); err != nil {
			t.Errorf("decode page: %v", err)
		}
		rc.Auth = r.Header.Get("Authorization")
		mu.Lock()
		got = append(got, rc)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	h := pagehook.New(pagehook.Config{URL: srv.URL, Token: "s3cret"}, nil)
	err := h.Page(context.Background(), escalation.Page{Key: "INC-3/page/notify/1/0/0/alice", User: "alice", Why: "step 1 of policy default",
		Incident: &incident.Incident{Key: "INC-3", Title: "disk full"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	g := got[0]
	if g.Auth != "Bearer s3cret" || g.User != "alice" || g.Why != "step 1 of policy default" || g.Key != "INC-3/page/notify/1/0/0/alice" ||
		g.Incident.Key != "INC-3" || g.Incident.Title != "disk full" {
		t.Errorf("webhook got %+v", g)
	}
	if h.Name() != "webhook" {
		t.Errorf("name %q: the page jobs' keys depend on it", h.Name())
	}
}

func TestAnswersMapToErrorKinds(t *testing.T) {
	tests := []struct {
		status int
		want   incident.Kind
	}{
		{200, ""},
		{204, ""},
		{500, incident.KindTransient},
		{503, incident.KindTransient},
		{401, incident.KindPermanent},
		{404, incident.KindPermanent},
		{408, incident.KindTransient},
		{429, incident.KindTransient}, // and held: see TestTooManyHoldsThePagingBackend
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tt.status) }))
			defer srv.Close()
			err := pagehook.New(pagehook.Config{URL: srv.URL}, nil).Page(context.Background(),
				escalation.Page{Key: "k", Incident: &incident.Incident{Key: "INC-1"}})
			if got := incident.ErrorKind(err); (err == nil) != (tt.want == "") || (err != nil && got != tt.want) {
				t.Errorf("answer %d: %v (kind %q), want kind %q", tt.status, err, got, tt.want)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		err := pagehook.New(pagehook.Config{URL: srv.URL}, nil).Page(context.Background(), escalation.Page{Key: "k", Incident: &incident.Incident{Key: "INC-1"}})
		if incident.ErrorKind(err) != incident.KindTransient {
			t.Errorf("unreachable webhook: %v, want transient", err)
		}
	})
}

func TestTooManyHoldsThePagingBackend(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	err := pagehook.New(pagehook.Config{URL: srv.URL}, nil).Page(context.Background(),
		escalation.Page{Key: "k", Incident: &incident.Incident{Key: "INC-1"}})
	var ra *incident.RetryAfter
	if !errors.As(err, &ra) {
		t.Fatalf("429: %v, want an *incident.RetryAfter that holds the backend", err)
	}
	if ra.After < 7*time.Second || ra.After > 8*time.Second {
		t.Errorf("held for %v, want the 7 s the webhook asked (plus the margin)", ra.After)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		url  string
		want string // "" means valid
	}{
		{"https://pager.example.com/hook", ""},
		{"http://127.0.0.1:9000/page", ""},
		{"", "url: empty"},
		{"pager.example.com/hook", "url: \"pager.example.com/hook\"; write an absolute http or https URL"},
		{"ftp://pager.example.com/", "url: \"ftp://pager.example.com/\"; write an absolute http or https URL"},
		{"http://[::1", "url: \"http://[::1\" is not a URL"},
	}
	for _, tt := range tests {
		err := pagehook.Config{URL: tt.url, Token: "t"}.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v, want valid", tt.url, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%q: %v, want an error starting %q", tt.url, err, tt.want)
		}
	}
}

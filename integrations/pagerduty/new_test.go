package pagerduty_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/integrations/pagerduty/pdtest"
)

func TestNew(t *testing.T) {
	srv := pdtest.New(t)
	tests := []struct {
		name    string
		cfg     pagerduty.Config
		wantErr string // empty: New succeeds and a resolve reaches the fake
	}{
		{"base URL", pagerduty.Config{URL: srv.URL(), RoutingKey: pdtest.DefaultRoutingKey}, ""},
		{"trailing slash", pagerduty.Config{URL: srv.URL() + "/", RoutingKey: pdtest.DefaultRoutingKey}, ""},
		{"full endpoint", pagerduty.Config{URL: srv.URL() + "/v2/enqueue", RoutingKey: pdtest.DefaultRoutingKey}, ""},
		{"no routing key", pagerduty.Config{URL: srv.URL()}, "pagerduty routing key is missing"},
		{"short routing key", pagerduty.Config{URL: srv.URL(), RoutingKey: "e+23rschqsESqk9Q6_-g"}, "is 20 characters long"},
		{"routing key with symbols", pagerduty.Config{URL: srv.URL(), RoutingKey: "R0UT1NGKEY00000000000000000000-_"}, "other than letters and digits"},
		{"not http", pagerduty.Config{URL: "ftp://events.pagerduty.com", RoutingKey: pdtest.DefaultRoutingKey}, "is not an http(s) URL"},
		{"no host", pagerduty.Config{URL: "events.pagerduty.com", RoutingKey: pdtest.DefaultRoutingKey}, "is not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := pagerduty.New(tt.cfg, nil)
			if tt.wantErr != "" {
				if incident.ErrorKind(err) != incident.KindInvalid || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want invalid saying %q", err, tt.wantErr)
				}
				if tt.cfg.RoutingKey != "" && strings.Contains(err.Error(), tt.cfg.RoutingKey) {
					t.Errorf("error %q shows the routing key", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Resolve(context.Background(), "inc-1"); err != nil {
				t.Fatalf("resolve: %v", err)
			}
		})
	}
	for _, r := range srv.Requests() {
		if r.Path != "/v2/enqueue" || r.Status != http.StatusAccepted {
			t.Errorf("request to %s answered %d", r.Path, r.Status)
		}
	}
}

// TestRetryAfterHeader covers a proxy in front of PagerDuty that says when
// to come back; PagerDuty itself does not.
func TestRetryAfterHeader(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"7", 7*time.Second + 100*time.Millisecond}, // the margin of httpclass for whole seconds
		{"", 30 * time.Second},
		{"0", 30 * time.Second},
		{"soon", 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("Retry-After", tt.header)
				}
				http.Error(w, "slow down", http.StatusTooManyRequests)
			}))
			defer proxy.Close()
			c, err := pagerduty.New(pagerduty.Config{URL: proxy.URL, RoutingKey: pdtest.DefaultRoutingKey}, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Acknowledge(context.Background(), "inc-1")
			var ra *incident.RetryAfter
			if !errors.As(err, &ra) || ra.After != tt.want {
				t.Fatalf("err = %v, want RetryAfter %s", err, tt.want)
			}
			if !strings.Contains(err.Error(), "Too Many Requests: slow down") {
				t.Errorf("error %q does not quote the body", err)
			}
		})
	}
}

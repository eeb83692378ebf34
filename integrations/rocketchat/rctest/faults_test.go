package rctest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

func TestFailNext(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		headers  map[string]string
		body     string
		wantType string // Content-Type answered
	}{
		{"502 page", 502, map[string]string{"Content-Type": "text/html"}, "<html>Bad Gateway</html>", "text/html"},
		{"503 text", 503, nil, "upstream connect error", "text/plain; charset=utf-8"},
		{"500 JSON", 500, nil, `{"success":false,"error":"Internal server error"}`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := rctest.New(t, rctest.Options{})
			c := botClient(t, srv)
			id := createRoom(t, c, "channels", "ops")
			srv.FailNext(1, tt.status, tt.headers, tt.body)

			resp, _ := c.do("POST", "/api/v1/chat.postMessage", map[string]any{"roomId": id, "text": "x"}, nil)
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != tt.wantType {
				t.Fatalf("%d %q, want %d %q", resp.StatusCode, resp.Header.Get("Content-Type"), tt.status, tt.wantType)
			}
			if n := len(srv.Messages(id)); n != 0 {
				t.Errorf("the failed post left %d messages", n)
			}
			post(t, c, id, "x", nil)
			reqs := srv.Requests()
			last := reqs[len(reqs)-2:]
			if !last[0].Fault || last[0].Status != tt.status || last[1].Fault || last[1].Status != 200 || last[1].UserID != srv.Bot().ID {
				t.Errorf("requests %+v", last)
			}
			if n := srv.Count("POST", "/api/v1/chat.postMessage"); n != 2 {
				t.Errorf("Count = %d, want 2", n)
			}
		})
	}
}

func TestInjectMatchesMethodAndPath(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops")
	srv.Inject(rctest.Fault{Method: "POST", Path: "chat.postMessage", Times: 2, Status: 503, Body: "busy"})
	if status, out := c.get("/api/v1/channels.info?roomId=" + id); status != 200 {
		t.Fatalf("GET hit a POST fault: %d %v", status, out)
	}
	for i := range 2 {
		if status, _ := c.post("/api/v1/chat.postMessage", map[string]any{"roomId": id, "text": "x"}); status != 503 {
			t.Fatalf("post %d: %d, want 503", i, status)
		}
	}
	post(t, c, id, "x", nil)
}

func TestCommittedFaultDuplicatesOnBlindRetry(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops")
	srv.Inject(rctest.Fault{Path: "chat.postMessage", Status: 504, Body: "gateway timeout", Committed: true})
	status, _ := c.post("/api/v1/chat.postMessage", map[string]any{"roomId": id, "text": "timeline"})
	if status != 504 {
		t.Fatalf("status %d, want 504", status)
	}
	if n := len(srv.Messages(id)); n != 1 {
		t.Fatalf("committed fault: %d messages, want 1", n)
	}
	post(t, c, id, "timeline", nil)
	if n := len(srv.Messages(id)); n != 2 {
		t.Errorf("blind retry: %d messages; the fake should show the duplicate", n)
	}
}

func TestSetDownAndDelay(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	srv.SetDown(true)
	resp, out := c.do("GET", "/api/v1/me", nil, nil)
	if resp.StatusCode != 503 || out != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("down: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if r := srv.Requests(); !r[len(r)-1].Fault {
		t.Errorf("outage request not marked: %+v", r[len(r)-1])
	}
	srv.SetDown(false)
	c.mustGet("/api/v1/me")

	srv.Inject(rctest.Fault{Status: 200, Body: "{}", Delay: 300 * time.Millisecond})
	req, _ := http.NewRequest("GET", srv.URL()+"/api/v1/me", nil)
	if _, err := (&http.Client{Timeout: 50 * time.Millisecond}).Do(req); err == nil {
		t.Error("a slow answer did not trip the client timeout")
	}
}

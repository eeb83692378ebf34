package rctest_test

import (
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

func TestAuthNeedsBothHeaders(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	alice := srv.User("alice")
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"both", nil, 200},
		{"no headers", map[string]string{"X-User-Id": "", "X-Auth-Token": ""}, 401},
		{"user id only", map[string]string{"X-Auth-Token": ""}, 401},
		{"token only", map[string]string{"X-User-Id": ""}, 401},
		{"wrong token", map[string]string{"X-Auth-Token": "nope"}, 401},
		{"another user's token", map[string]string{"X-Auth-Token": alice.Token}, 401},
		{"unknown user", map[string]string{"X-User-Id": "AAAAAAAAAAAAAAAAA"}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := c.do("GET", "/api/v1/me", nil, tt.headers)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tt.want, out)
			}
			if tt.want == 401 && (out["success"] != false || out["error"] != "You must be logged in to do this.") {
				t.Errorf("401 body %v", out)
			}
			if tt.want == 200 && out["username"] != "warroom-bot" {
				t.Errorf("me = %v", out)
			}
		})
	}
	if last := srv.Requests()[len(srv.Requests())-1]; last.Status != 401 || last.UserID != "" {
		t.Errorf("last request %+v", last)
	}
}

func TestUnauthorizedBodyByVersion(t *testing.T) {
	tests := []struct {
		version    string
		wantStatus bool // Restivus's "status":"error" pair before 8.0
	}{{"5.4.0", true}, {"6.10.0", true}, {"8.0.0", false}}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			srv := rctest.New(t, rctest.Options{Version: tt.version})
			resp, out := botClient(t, srv).do("POST", "/api/v1/chat.postMessage", map[string]any{}, map[string]string{"X-Auth-Token": ""})
			wantError(t, resp.StatusCode, out, 401, "")
			if _, has := out["status"]; has != tt.wantStatus {
				t.Errorf("body %v: status member present = %v, want %v", out, has, tt.wantStatus)
			}
		})
	}
}

func TestInfoAndLogin(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Version: "5.4.0", Users: humans()})
	c := botClient(t, srv)
	resp, out := c.do("GET", "/api/info", nil, map[string]string{"X-User-Id": "", "X-Auth-Token": ""})
	if resp.StatusCode != 200 || out["version"] != "5.4.0" {
		t.Fatalf("info: %d %v", resp.StatusCode, out)
	}

	resp, out = c.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": "alice-pw"}, map[string]string{"X-User-Id": "", "X-Auth-Token": ""})
	if resp.StatusCode != 200 || out["status"] != "success" {
		t.Fatalf("login: %d %v", resp.StatusCode, out)
	}
	logged := &client{t: t, srv: srv, id: str(out, "data", "userId"), token: str(out, "data", "authToken")}
	status, me := logged.get("/api/v1/me")
	if mustOK(t, status, me); me["username"] != "alice" {
		t.Errorf("me after login = %v", me)
	}

	resp, out = c.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": "wrong"}, nil)
	if resp.StatusCode != 401 || out["status"] != "error" {
		t.Errorf("bad login: %d %v", resp.StatusCode, out)
	}
}

func TestUsersInfo(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	status, out := c.get("/api/v1/users.info?username=alice")
	mustOK(t, status, out)
	if str(out, "user", "_id") != srv.User("alice").ID || str(out, "user", "name") != "Alice" {
		t.Errorf("users.info = %v", out)
	}
	status, out = c.get("/api/v1/users.info?userId=" + srv.User("bob").ID)
	if mustOK(t, status, out); str(out, "user", "username") != "bob" {
		t.Errorf("by id: %v", out)
	}
	status, out = c.get("/api/v1/users.info?username=nobody")
	wantError(t, status, out, 400, "error-invalid-user")
	status, out = c.get("/api/v1/me")
	if roles := at(mustOK(t, status, out), "roles"); at(roles, 0) != "bot" {
		t.Errorf("me roles = %v", roles)
	}
}

func TestUnknownMethodIs404(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/v1/chat.nothing"},
		{"GET", "/api/v1/chat.postMessage"}, // known method, wrong verb
		{"POST", "/api/v2/chat.postMessage"},
	} {
		resp, out := c.do(tt.method, tt.path, nil, nil)
		if resp.StatusCode != 404 || out["error"] != "Resource not found" {
			t.Errorf("%s %s: %d %v", tt.method, tt.path, resp.StatusCode, out)
		}
	}
}

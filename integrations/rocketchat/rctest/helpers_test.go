package rctest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// client calls the fake with plain net/http, logged in as one user.
type client struct {
	t         *testing.T
	srv       *rctest.Server
	id, token string
}

func botClient(t *testing.T, srv *rctest.Server) *client {
	b := srv.Bot()
	return &client{t: t, srv: srv, id: b.ID, token: b.Token}
}

// as is a client for another user, which needs a Token in Options.Users.
func (c *client) as(username string) *client {
	u := c.srv.User(username)
	return &client{t: c.t, srv: c.srv, id: u.ID, token: u.Token}
}

// do sends a request; a body that is not a []byte is sent as JSON. headers
// override the login headers; an empty value removes one.
func (c *client) do(method, path string, body any, headers map[string]string) (*http.Response, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, c.srv.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("X-User-Id", c.id)
	req.Header.Set("X-Auth-Token", c.token)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	var out map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp, out
}

func (c *client) get(path string) (int, map[string]any) {
	c.t.Helper()
	resp, out := c.do("GET", path, nil, nil)
	return resp.StatusCode, out
}

func (c *client) post(path string, body any) (int, map[string]any) {
	c.t.Helper()
	resp, out := c.do("POST", path, body, nil)
	return resp.StatusCode, out
}

// mustOK fails unless status is 200 with success true.
func mustOK(t *testing.T, status int, out map[string]any) map[string]any {
	t.Helper()
	if status != 200 || out["success"] != true {
		t.Fatalf("status %d, body %v; want 200 success", status, out)
	}
	return out
}

// wantError checks the failure envelope: status, success false and the
// errorType ("" demands there is none).
func wantError(t *testing.T, status int, out map[string]any, wantStatus int, wantType string) {
	t.Helper()
	if status != wantStatus || out["success"] != false {
		t.Fatalf("status %d body %v, want %d with success false", status, out, wantStatus)
	}
	got, has := out["errorType"]
	switch {
	case wantType == "" && has:
		t.Errorf("errorType %v, want none", got)
	case wantType != "" && got != wantType:
		t.Errorf("errorType %v, want %q (body %v)", got, wantType, out)
	}
	if _, ok := out["error"]; !ok && wantStatus != 400 {
		t.Errorf("no error text in %v", out)
	}
}

// at walks a decoded JSON value by keys and indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := at(v, path...).(string)
	return s
}

// createRoom creates a channel ("channels") or group ("groups") and
// returns its id.
func createRoom(t *testing.T, c *client, prefix, name string, members ...string) string {
	t.Helper()
	body := map[string]any{"name": name}
	if members != nil {
		body["members"] = members
	}
	status, out := c.post("/api/v1/"+prefix+".create", body)
	mustOK(t, status, out)
	key := map[string]string{"channels": "channel", "groups": "group"}[prefix]
	return str(out, key, "_id")
}

// post posts text as c into room and returns the message id.
func post(t *testing.T, c *client, roomID, text string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"roomId": roomID, "text": text}
	for k, v := range extra {
		body[k] = v
	}
	status, out := c.post("/api/v1/chat.postMessage", body)
	mustOK(t, status, out)
	return str(out, "message", "_id")
}

// humans gives alice and bob personal access tokens so they can call the
// API too.
func humans() []rctest.User {
	return []rctest.User{
		{Username: "alice", Name: "Alice", Token: "alice-token", Password: "alice-pw"},
		{Username: "bob", Name: "Bob", Token: "bob-token"},
	}
}

// mustPost posts and fails unless the answer is a success.
func (c *client) mustPost(path string, body any) map[string]any {
	c.t.Helper()
	status, out := c.post(path, body)
	return mustOK(c.t, status, out)
}

// mustGet gets and fails unless the answer is a success.
func (c *client) mustGet(path string) map[string]any {
	c.t.Helper()
	status, out := c.get(path)
	return mustOK(c.t, status, out)
}

package mmtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// response is what request returns: the status, headers and the whole body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// request sends body (JSON-encoded unless nil) to path (for example /api/v4/channels)
// with token as a Bearer token (none if empty). It fails the test if the request cannot
// be made.
func (s *Server) request(t testing.TB, token, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("mmtest: encoding the body of %s %s: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatalf("mmtest: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("mmtest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("mmtest: reading the answer to %s %s: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// decode unmarshals a 2xx answer's JSON body into out (if out is not nil).
func decode(t testing.TB, method, path string, r response, out any) {
	t.Helper()
	if out == nil || r.status/100 != 2 || len(r.body) == 0 {
		return
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		t.Fatalf("mmtest: decoding the answer to %s %s: %v\n%s", method, path, err, r.body)
	}
}

// must is request + decode, failing the test unless the status is one of want. It waits
// out rate limiting (429), so that helpers also work when Options.RateLimit is on.
func (s *Server) must(t testing.TB, token, method, path string, body, out any, want ...int) response {
	t.Helper()
	for range 60 {
		r := s.request(t, token, method, path, body)
		if r.status == http.StatusTooManyRequests {
			wait, _ := strconv.Atoi(r.header.Get("Retry-After")) // seconds; 0 if absent
			time.Sleep(time.Duration(max(wait, 1)) * time.Second)
			continue
		}
		if !slices.Contains(want, r.status) {
			t.Fatalf("mmtest: %s %s answered %d, want %v: %s", method, path, r.status, want, snippet(r.body))
		}
		decode(t, method, path, r, out)
		return r
	}
	t.Fatalf("mmtest: %s %s: still rate limited after a minute", method, path)
	return response{}
}

// Do sends a JSON REST request and returns the HTTP status. path is everything after
// the server URL, e.g. "/api/v4/channels"; token is sent as "Authorization: Bearer"
// (none if empty); body is encoded as JSON unless nil; a 2xx JSON answer is decoded
// into out unless out is nil. Other statuses are returned for the test to assert (and
// logged with their body). It fails the test only if the request cannot be made, so
// call it from the test's goroutine.
func (s *Server) Do(t testing.TB, token, method, path string, body, out any) int {
	t.Helper()
	r := s.request(t, token, method, path, body)
	if r.status/100 != 2 {
		t.Logf("mmtest: %s %s answered %d: %s", method, path, r.status, snippet(r.body))
	}
	decode(t, method, path, r, out)
	return r.status
}

// snippet shortens a response body for a message.
func snippet(b []byte) string {
	const n = 1000
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

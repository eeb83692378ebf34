package icingatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// call sends a request to the API as the helpers' ApiUser and decodes a JSON
// answer into out (if not nil). It returns the HTTP status.
func (s *Server) call(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, rd)
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(adminUser, s.adminPass)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %s: decode %q: %w", method, path, resp.Status, b, err)
		}
	}
	return resp.StatusCode, nil
}

// actionAnswer is what POST /v1/actions/... answers.
type actionAnswer struct {
	Results []struct {
		Code   float64 `json:"code"`
		Status string  `json:"status"`
	} `json:"results"`
	Error  float64 `json:"error"`
	Status string  `json:"status"`
}

// action POSTs /v1/actions/name and fails the test unless Icinga 2 answers
// 200 with one result of code 200.
func (s *Server) action(t testing.TB, name string, body map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var a actionAnswer
	status, err := s.call(ctx, http.MethodPost, "/v1/actions/"+name, body, &a)
	if err != nil {
		t.Fatalf("icingatest: POST /v1/actions/%s: %v", name, err)
	}
	if status != http.StatusOK || len(a.Results) != 1 || a.Results[0].Code != 200 {
		t.Fatalf("icingatest: POST /v1/actions/%s %v: status %d, answer %+v; icinga2 log ends:\n%s", name, body, status, a, s.Logs(10))
	}
}

// serviceName is the full name of a service object, "host!service".
func serviceName(host, service string) string { return host + "!" + service }

// SetServiceState submits a passive check result for the service, as a
// passive check or an external monitoring tool would (POST
// /v1/actions/process-check-result). exitStatus is the plugin's exit code,
// which for a service is the state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
// With max_check_attempts = 1 the new state is HARD at once, and a
// StateChange event follows if the state differs.
func (s *Server) SetServiceState(t testing.TB, host, service string, exitStatus int, output string) {
	t.Helper()
	s.action(t, "process-check-result", map[string]any{
		"type":          "Service",
		"service":       serviceName(host, service),
		"exit_status":   exitStatus,
		"plugin_output": output,
		"check_source":  "icingatest",
	})
}

// Acknowledge acknowledges the service's problem as a person does in Icinga
// Web 2 (its defaults: not sticky, notify, comment not persistent, no
// expiry), through POST /v1/actions/acknowledge-problem. Icinga 2 refuses
// (and the test fails) when the service is OK or already acknowledged.
func (s *Server) Acknowledge(t testing.TB, host, service, author, comment string) {
	t.Helper()
	s.action(t, "acknowledge-problem", map[string]any{
		"type":        "Service",
		"filter":      "host.name == h && service.name == s",
		"filter_vars": map[string]string{"h": host, "s": service},
		"author":      author,
		"comment":     comment,
		"sticky":      false,
		"notify":      true,
		"persistent":  false,
	})
}

// RemoveAcknowledgement removes the service's acknowledgement (POST
// /v1/actions/remove-acknowledgement), as "Remove acknowledgement" in Icinga
// Web 2 does. An AcknowledgementCleared event follows.
func (s *Server) RemoveAcknowledgement(t testing.TB, host, service string) {
	t.Helper()
	s.action(t, "remove-acknowledgement", map[string]any{
		"type":    "Service",
		"service": serviceName(host, service),
	})
}

// ServiceAcknowledged reports whether the service's problem is acknowledged
// (its acknowledgement attribute, from GET /v1/objects/services, is not 0).
func (s *Server) ServiceAcknowledged(t testing.TB, host, service string) bool {
	t.Helper()
	var ack float64
	s.serviceAttrs(t, host, service, map[string]any{"acknowledgement": &ack})
	return ack != 0
}

// ServiceState returns the service's current state (0 OK, 1 WARNING,
// 2 CRITICAL, 3 UNKNOWN) and state type (0 SOFT, 1 HARD), from GET
// /v1/objects/services.
func (s *Server) ServiceState(t testing.TB, host, service string) (state, stateType int) {
	t.Helper()
	var st, typ float64
	s.serviceAttrs(t, host, service, map[string]any{"state": &st, "state_type": &typ})
	return int(st), int(typ)
}

// serviceAttrs reads the service's attributes named in into into the
// pointers there; it fails the test if the service does not exist.
func (s *Server) serviceAttrs(t testing.TB, host, service string, into map[string]any) {
	t.Helper()
	q := url.Values{}
	for name := range into {
		q.Add("attrs", name)
	}
	path := "/v1/objects/services/" + url.PathEscape(serviceName(host, service)) + "?" + q.Encode()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var a objectsAnswer
	status, err := s.call(ctx, http.MethodGet, path, nil, &a)
	if err != nil {
		t.Fatalf("icingatest: GET %s: %v", path, err)
	}
	if status != http.StatusOK || len(a.Results) != 1 {
		t.Fatalf("icingatest: GET %s: status %d, %d results", path, status, len(a.Results))
	}
	for name, ptr := range into {
		raw, ok := a.Results[0].Attrs[name]
		if !ok {
			t.Fatalf("icingatest: GET %s: no attribute %q in %v", path, name, keys(a.Results[0].Attrs))
		}
		if err := json.Unmarshal(raw, ptr); err != nil {
			t.Fatalf("icingatest: GET %s: attribute %s = %s: %v", path, name, raw, err)
		}
	}
}

func keys(m map[string]json.RawMessage) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, ",")
}

// ScheduleDowntime schedules a fixed downtime of the service from now for
// d, as author with comment, the way a person does it in Icinga 2.
func (s *Server) ScheduleDowntime(t testing.TB, host, service, author, comment string, d time.Duration) {
	t.Helper()
	now := time.Now()
	s.action(t, "schedule-downtime", map[string]any{"type": "Service", "service": serviceName(host, service), "author": author,
		"comment": comment, "start_time": now.Unix(), "end_time": now.Add(d).Unix(), "fixed": true})
}

// RemoveDowntimes removes every downtime of the service.
func (s *Server) RemoveDowntimes(t testing.TB, host, service string) {
	t.Helper()
	s.action(t, "remove-downtime", map[string]any{"type": "Service", "service": serviceName(host, service)})
}

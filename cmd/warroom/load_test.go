package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects the service's log while the load runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	t  testing.TB
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLoadCommand is a CI-sized alert storm run by `warroom load` against
// the whole service: 500 notifications over 50 groups (every 10th repeat a
// resolution, the next a refire) from 25 concurrent senders while the job
// runner opens channels. No notification may fail, no busy database may
// show in the log, there are exactly 50 incidents, and each has its channel
// with its welcome post exactly once.
func TestLoadCommand(t *testing.T) {
	cfg := testConfig(t)
	log := &lockedBuffer{t: t}
	h := startHarnessLog(t, cfg, log)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"load", "-url", h.URL, "-n", "500", "-groups", "50", "-c", "25",
		"-run", "ci-storm", "-wait", "2m"},
		[]string{"WARROOM_SOURCES_ALERTMANAGER_TOKEN=" + testAMToken, "WARROOM_API_TOKEN=" + testAPIToken}, &out, &errOut)
	t.Logf("warroom load:\n%s%s", out.String(), errOut.String())
	if code != 0 {
		t.Fatalf("warroom load exited %d", code)
	}
	for _, want := range []string{
		`warroom: 500 accepted, 0 errors`,
		`incidents: 50 of run ci-storm in the API, want 50`,
		`channels: every incident has its channel and welcome post`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?i)SQLITE_BUSY|database is locked|level=ERROR|status=5\d\d`).FindString(log.String()); m != "" {
		t.Errorf("the service's log shows %q during the storm", m)
	}

	// Independently of the load command: the incidents and their channels.
	incs := h.incidents("?q=ci-storm&limit=500")
	if len(incs) != 50 {
		t.Fatalf("%d incidents of the run, want 50", len(incs))
	}
	h.login("alice")
	for _, inc := range incs {
		room := inc.Channel.ID
		if room == "" {
			t.Errorf("%v has no channel", inc.Key)
			continue
		}
		_, page := h.do("GET", "/channels/"+room+"/log", nil, nil)
		if n := strings.Count(string(page), "This channel is for the response."); n != 1 {
			t.Errorf("%v: the welcome post is in its channel %d times, want 1", inc.Key, n)
		}
	}
}

// TestLoadRefusesBadFlags: a mistake is a message and exit code 2, before
// anything is sent.
func TestLoadRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "5", "-groups", "10", "-token", "x", "-wait", "0"}, "more than -n"},
		{[]string{"-wait", "0"}, "no hook token"},
		{[]string{"-token", "x", "-wait", "0", "-url", "localhost:8080"}, "give the base URL"},
		{[]string{"-token", "x", "-wait", "0", "-url", "http://a:8080,b:8080"}, `-url "b:8080": give the base URL`},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"load"}, tc.args...), nil, &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("load %v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}

// TestLoadPayloads: notification i goes to group i % groups; every 10th
// repeat resolves and the next fires again with a later start.
func TestLoadPayloads(t *testing.T) {
	o := loadOptions{Groups: 3, ResolveEvery: 10, Run: "r"}
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		i      int
		group  string
		status string
		starts string
	}{
		{0, "g00000", "firing", "10:00:00"},
		{4, "g00001", "firing", "10:00:00"},
		{27, "g00000", "resolved", "10:00:00"},
		{30, "g00000", "firing", "10:00:01"},
	} {
		body, err := loadPayload(o, base, tc.i)
		if err != nil {
			t.Fatal(err)
		}
		s := string(body)
		for _, want := range []string{fmt.Sprintf(`"group":"%s"`, tc.group), fmt.Sprintf(`"status":"%s"`, tc.status), "T" + tc.starts} {
			if !strings.Contains(s, want) {
				t.Errorf("notification %d lacks %s: %s", tc.i, want, s)
			}
		}
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestArchiveAcceptUncountedCLI: `warroom accept-uncounted` records the
// operator's signed acceptance on the incident's timeline in the running
// service's store, once; bad input is refused with a message and exit 2.
func TestArchiveAcceptUncountedCLI(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	env := []string{"WARROOM_STORE_DSN=" + h.cfg.Store.DSN}
	cli := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"accept-uncounted"}, args...), env, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	for _, bad := range [][]string{
		{"-incident", "INC-1", "-count", "0", "-by", "bob", "-reason", "deleted posts"},
		{"-incident", "INC-1", "-count", "3", "-reason", "deleted posts"},
		{"-incident", "INC-1", "-count", "3", "-by", "bob"},
		{"-incident", "nope", "-count", "3", "-by", "bob", "-reason", "deleted posts"},
	} {
		if code, _, msg := cli(bad...); code != 2 || msg == "" {
			t.Errorf("%v: exit %d, %q; want 2 and a message", bad, code, msg)
		}
	}
	for range 2 {
		if code, out, msg := cli("-incident", "INC-1", "-count", "3", "-by", "bob", "-reason", "posts deleted in Mattermost"); code != 0 || !strings.Contains(out, "bob accepts up to 3") {
			t.Fatalf("exit %d: %s%s", code, out, msg)
		}
	}
	n := 0
	for _, e := range h.timeline("INC-1") {
		if e.Kind == "archive_uncounted_accepted" {
			n++
			if e.Actor != "bob" || !strings.Contains(e.Text, "posts deleted in Mattermost") {
				t.Errorf("event %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d acceptances on the timeline, want 1", n)
	}
}

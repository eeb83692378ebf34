package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// groupAlert is the recorded Alertmanager 0.31.1 notification made into
// group n: its own group key and fingerprint, the severity label given,
// firing or resolved, and extra labels (routing matches them).
func groupAlert(t testing.TB, n int, severity, status string, labels map[string]string) []byte {
	t.Helper()
	var msg map[string]any
	if err := json.Unmarshal(readTestdata(t, "alertmanager-0.31.1-firing.json"), &msg); err != nil {
		t.Fatal(err)
	}
	msg["groupKey"] = fmt.Sprintf(`{}:{alertname="HighLatency", n="%d"}`, n)
	msg["status"] = status
	common := msg["commonLabels"].(map[string]any)
	a := msg["alerts"].([]any)[0].(map[string]any)
	al := a["labels"].(map[string]any)
	for k, v := range labels {
		common[k], al[k] = v, v
	}
	common["severity"], al["severity"] = severity, severity
	common["n"], al["n"] = fmt.Sprint(n), fmt.Sprint(n)
	a["status"], a["fingerprint"] = status, fmt.Sprintf("%016x", n)
	if status == "resolved" {
		a["endsAt"] = a["startsAt"].(string)[:10] + "T15:00:00Z"
	}
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// must runs one /incident command through the commands API as actor and
// returns the reply, failing the test on a refusal.
func (h *harness) must(key, actor, text string) string {
	h.t.Helper()
	code, reply := h.command(key, actor, text)
	if code != 200 {
		h.t.Fatalf("%s on %s as %s: %d %s", text, key, actor, code, reply)
	}
	return reply
}

// severityEvents are the severity changes on an incident's timeline.
func severityEvents(h *harness, key string) []apiEvent {
	var out []apiEvent
	for _, e := range h.timeline(key) {
		if e.Kind == "severity_changed" {
			out = append(out, e)
		}
	}
	return out
}

// TestParentSeverityFollowsItsChildren, through the real Alertmanager
// hook, the commands API and builtin chat: a worse child raises a storm's
// parent (announced, header and attached-alerts post following, the child
// named on the timeline); a child that resolves or is split off never
// lowers it; once a person set the parent's severity, a worse child is
// said in the channel (once) instead of raising it; /incident merge of a
// worse incident raises the parent, and so does a child raised later.
func TestParentSeverityFollowsItsChildren(t *testing.T) {
	cfg := testConfig(t)
	cfg.Grouping = GroupingConfig{Window: Duration(time.Hour), MaxNew: 0}
	h := startHarness(t, cfg)
	h.login("alice")
	hook := func(n int, sev, status string) string {
		t.Helper()
		code, ans := h.hookInto(groupAlert(t, n, sev, status, nil))
		if code != 200 && code != 202 {
			t.Fatalf("alert %d %s %s: %d %+v", n, sev, status, code, ans)
		}
		return ans.Incident
	}
	first := hook(1, "warning", "firing")
	parent := h.getIncident(first).Parent
	if parent == "" {
		t.Fatalf("%s is not attached: max_new 0 attaches every alert", first)
	}
	if got := h.getIncident(parent).Severity; got != "warning" {
		t.Fatalf("the parent is %s, want warning as its first child", got)
	}
	room := "/channels/" + h.channelID(parent)
	page := func() string { _, p := h.do("GET", room, nil, nil); return string(p) }

	worse := hook(2, "critical", "firing")
	if got := h.getIncident(parent).Severity; got != "critical" {
		t.Fatalf("after %s (critical) attached the parent is %s, want critical", worse, got)
	}
	evs := severityEvents(h, parent)
	if len(evs) != 1 || evs[0].Actor != "warroom" || !strings.Contains(evs[0].Text, "warning → critical") || !strings.Contains(evs[0].Text, worse) {
		t.Fatalf("the parent's severity changes %+v, want one by warroom, warning → critical, naming %s", evs, worse)
	}
	defer func() {
		if t.Failed() {
			t.Logf("page: %s", tagRE.ReplaceAllString(page(), ""))
		}
	}()
	h.waitFor("the header, the announcement and the attached-alerts post to show it", func() bool {
		p := page()
		return strings.Contains(p, "critical · open") && strings.Contains(p, "severity warning → critical: follows "+worse) &&
			strings.Contains(p, worse+" HighLatency: p99 &gt; 2s (critical, open)")
	})

	hook(2, "critical", "resolved")
	if got := h.getIncident(worse).Status; got != "resolved" {
		t.Fatalf("%s is %s after its alert resolved", worse, got)
	}
	h.must(parent, "bob", "split "+first)
	if got := h.getIncident(parent).Severity; got != "critical" {
		t.Errorf("after a child resolved and another split off the parent is %s, want it kept at critical", got)
	}

	h.must(parent, "alice", "severity warning")
	for n := 3; n <= 4; n++ {
		if kid := hook(n, "critical", "firing"); h.getIncident(kid).Parent != parent {
			t.Fatalf("%s is not attached to %s", kid, parent)
		}
	}
	if got := h.getIncident(parent).Severity; got != "warning" {
		t.Errorf("after alice set warning, critical children made the parent %s; want alice's warning kept", got)
	}
	held := "worse than this incident's warning, which @alice set"
	h.waitFor("the channel told of the worse children", func() bool { return strings.Contains(page(), held) })
	h.waitJobsDone(parent)
	if c := strings.Count(page(), held); c != 1 {
		t.Errorf("the channel says %d times that a child is worse, want once for two critical children", c)
	}
	if c := len(severityEvents(h, parent)); c != 2 {
		t.Errorf("%d severity changes on the parent, want warroom's raise and alice's", c)
	}

	// By hand: merging a worse incident raises the one it joins, and so
	// does a child raised after it joined.
	var joins, high, low apiIncident
	h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is slow", "severity": "info"}, &joins)
	h.apiInto("POST", "/incidents", map[string]any{"title": "payments fail", "severity": "high"}, &high)
	h.apiInto("POST", "/incidents", map[string]any{"title": "cart flaky", "severity": "info"}, &low)
	h.say("/channels/"+h.channelID(joins.Key), "/incident merge "+high.Key)
	if got := h.getIncident(joins.Key).Severity; got != "high" {
		t.Errorf("after merging %s (high) %s is %s, want high", high.Key, joins.Key, got)
	}
	h.must(joins.Key, "alice", "merge "+low.Key)
	if got := h.getIncident(joins.Key).Severity; got != "high" {
		t.Errorf("merging an info incident made %s %s, want high kept", joins.Key, got)
	}
	h.must(low.Key, "bob", "severity critical")
	if got := h.getIncident(joins.Key).Severity; got != "critical" {
		t.Errorf("after its child %s was raised to critical %s is %s, want critical", low.Key, joins.Key, got)
	}
	if evs := severityEvents(h, joins.Key); len(evs) != 2 || !strings.Contains(evs[0].Text, high.Key) || !strings.Contains(evs[1].Text, low.Key) {
		t.Errorf("%s's severity changes %+v, want one naming %s, then one naming %s", joins.Key, evs, high.Key, low.Key)
	}
}

// TestResolvedStormParentReopensForANewChild: a storm's parent resolved by
// hand reopens, in its stored row, when a new alert of its group attaches.
func TestResolvedStormParentReopensForANewChild(t *testing.T) {
	cfg := testConfig(t)
	cfg.Grouping = GroupingConfig{Window: Duration(time.Hour), MaxNew: 0}
	h := startHarness(t, cfg)
	_, ans := h.hookInto(groupAlert(t, 1, "warning", "firing", nil))
	parent := h.getIncident(ans.Incident).Parent
	h.must(parent, "alice", "resolve quiet again")
	if got := h.getIncident(parent).Status; got != "resolved" {
		t.Fatalf("the parent is %s after resolve", got)
	}
	_, ans = h.hookInto(groupAlert(t, 2, "warning", "firing", nil))
	if got := h.getIncident(ans.Incident).Parent; got != parent {
		t.Fatalf("%s attached to %q, want %s", ans.Incident, got, parent)
	}
	if got := h.getIncident(parent).Status; got != "open" {
		t.Errorf("the parent is %s after a new child attached, want open again", got)
	}
}

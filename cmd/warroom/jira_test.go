package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/integrations/jira/jiratest"
)

const testJiraSecret = "jira-hook-secret"

// jiraHarness runs warroom (builtin chat) with the fake Jira as its ticket
// system.
func jiraHarness(t *testing.T, opts jiratest.Options, tune func(*Config)) (*harness, *jiratest.Server) {
	t.Helper()
	j := jiratest.New(t, opts)
	cfg := testConfig(t)
	cfg.Tickets.Backend = "jira"
	cfg.Tickets.Jira = defaultConfig().Tickets.Jira
	cfg.Tickets.Jira.URL, cfg.Tickets.Jira.User, cfg.Tickets.Jira.Token = j.URL(), "incident-bot", "incident-bot-token"
	cfg.Tickets.Jira.Project, cfg.Tickets.Jira.WebhookSecret = "OPS", testJiraSecret
	cfg.Tickets.Jira.Trigger = JiraTriggerConfig{Labels: []string{"incident"}, Priorities: []string{"Highest"}}
	if tune != nil {
		tune(&cfg)
	}
	return startHarness(t, cfg), j
}

// jiraIssueOf waits until the incident has its Jira issue and returns its key.
func jiraIssueOf(h *harness, key string) string {
	var issue string
	h.waitFor(key+"'s Jira issue", func() bool {
		issue = h.getIncident(key).Ticket.Key
		return issue != ""
	})
	return issue
}

func commentsWith(v jiratest.IssueView, text string) int {
	n := 0
	for _, c := range v.Comments {
		if strings.Contains(c.Body, text) {
			n++
		}
	}
	return n
}

// TestJiraLifecycle: an alert opens an issue that is linked everywhere;
// ack, severity and status updates become comments; /incident close moves
// the issue with the named transition, attaches the transcript, reads it
// back, adds the summary comment, and only then deletes the channel.
func TestJiraLifecycle(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	issue := jiraIssueOf(h, "INC-1")
	inc := h.getIncident("INC-1")
	type ticketView struct{ Backend, URL string }
	if diff := cmp.Diff(ticketView{Backend: "jira", URL: j.URL() + "/browse/" + issue},
		ticketView{Backend: inc.Ticket.Backend, URL: inc.Ticket.URL}); diff != "" {
		t.Errorf("ticket (-want +got):\n%s", diff)
	}
	v := j.Issue(issue)
	if v.Summary != "[critical] INC-1: HighLatency: p99 > 2s" || v.Priority != "Highest" || v.IssueType != "Incident" ||
		!strings.Contains(v.Description, "[Runbook|http://127.0.0.1/runbook]") {
		t.Errorf("issue = %+v", v)
	}
	room := "/channels/" + h.channelID("INC-1") // the ticket may come first
	h.login("alice")
	h.waitFor("ticket link in the channel header", func() bool {
		_, page := h.do("GET", room, nil, nil)
		return strings.Contains(string(page), j.URL()+"/browse/"+issue)
	})
	for _, cmd := range []string{"/incident ack", "/incident severity high", "/incident status rolled back", "/incident note not a comment"} {
		h.do("POST", room+"/messages", formOf("text", cmd), nil)
	}
	h.do("POST", room+"/messages", formOf("text", "the canary was bad"), nil)
	h.waitFor("comments for ack, severity and status", func() bool {
		v = j.Issue(issue)
		return commentsWith(v, "open → acked (by alice)") == 1 && commentsWith(v, "Severity critical → high") == 1 &&
			commentsWith(v, "*Status update* from alice: rolled back") == 1
	})
	if commentsWith(v, "not a comment") != 0 {
		t.Error("a note became a comment though tickets.jira.comments does not list notes")
	}

	h.do("POST", room+"/messages", formOf("text", "/incident close rollback fixed it"), nil)
	h.waitStatus("INC-1", "archived")
	h.waitFor("summary comment", func() bool { v = j.Issue(issue); return commentsWith(v, "h3. INC-1 archived") > 0 })
	h.waitPostmortem("INC-1", 1) // the postmortem's draft is attached beside the transcripts
	v = j.Issue(issue)
	if v.StatusCategory != jiratest.CategoryDone {
		t.Errorf("issue status %s (%s), want done", v.Status, v.StatusCategory)
	}
	names := map[string][]byte{}
	for _, a := range v.Attachments {
		names[a.Filename] = a.Data
	}
	_, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	if string(names["INC-1-transcript.md"]) != string(md) || !strings.Contains(string(md), "the canary was bad") {
		t.Errorf("attached Markdown differs from the archive: %d vs %d bytes", len(names["INC-1-transcript.md"]), len(md))
	}
	if _, ok := names["INC-1-transcript.json"]; !ok || names["INC-1-postmortem.md"] == nil || len(v.Attachments) != 3 {
		t.Errorf("attachments %v, want the Markdown and JSON transcripts and the postmortem once each", keysOf(names))
	}
	if commentsWith(v, "h3. INC-1 archived") != 1 || commentsWith(v, "||Participants|alice|") != 1 {
		t.Errorf("no summary comment with the participants: %+v", v.Comments)
	}
	evs := h.timeline("INC-1")
	verified, deleted := -1, -1
	for i, e := range evs {
		switch e.Kind {
		case "archive_verified":
			verified = i
			if !strings.Contains(e.Text, "jira "+issue) {
				t.Errorf("archive_verified: %v", e.Text)
			}
		case "channel_deleted":
			deleted = i
		}
	}
	if verified < 0 || deleted < verified {
		t.Errorf("archive verified at %d, channel deleted at %d", verified, deleted)
	}
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestJiraWebhooks: a new issue that matches the trigger opens an incident
// and its channel; a redelivery changes nothing; a bad signature is 401; an
// issue moved to done closes and archives the incident without moving the
// issue again; a late, older change is ignored.
func TestJiraWebhooks(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	hook := h.URL + "/hooks/jira"

	key, created := j.CreateIssueAsUser("carol", jiratest.IssueInput{Summary: "Payments failing in EU", Description: "card auth 40% errors",
		Priority: "High", Labels: []string{"incident"}})
	if resp := jiratest.Deliver(t, hook, created, "wrong-secret"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d, want 401", resp.StatusCode)
	}
	if resp := jiratest.Deliver(t, hook, created, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no signature: %d, want 401", resp.StatusCode)
	}
	if n := len(h.incidents("")); n != 0 {
		t.Fatalf("a refused delivery opened %d incidents", n)
	}
	if resp := jiratest.Deliver(t, hook, created, testJiraSecret); resp.StatusCode != 200 {
		t.Fatalf("signed delivery: %d", resp.StatusCode)
	}
	inc := h.getIncident("INC-1")
	type incView struct{ Title, Severity, Source, TicketKey, Summary string }
	if diff := cmp.Diff(incView{Title: "Payments failing in EU", Severity: "high", Source: "jira", TicketKey: key, Summary: "card auth 40% errors"},
		incView{Title: inc.Title, Severity: inc.Severity, Source: inc.Source, TicketKey: inc.Ticket.Key, Summary: inc.Summary}); diff != "" {
		t.Errorf("incident from the issue (-want +got):\n%s", diff)
	}
	h.waitFor("channel", func() bool {
		return inc.Channel.ID != "" || h.getIncident("INC-1").Channel.ID != ""
	})
	// Redelivered, and delivered again as a new event: still one incident, no second issue.
	jiratest.Redeliver(t, hook, created, testJiraSecret, 1)
	created.ID = "another-delivery-id"
	jiratest.Deliver(t, hook, created, testJiraSecret)
	if n := len(h.incidents("")); n != 1 {
		t.Errorf("%d incidents after redeliveries, want 1", n)
	}
	if n := len(j.Issues()); n != 1 {
		t.Errorf("%d issues in Jira, want 1: warroom must not open a ticket for an incident that came from one", n)
	}

	// Issues that do not match the trigger, and warroom's own issues, open nothing.
	_, other := j.CreateIssueAsUser("carol", jiratest.IssueInput{Summary: "Update the wiki", Priority: "Low"})
	if resp := jiratest.Deliver(t, hook, other, testJiraSecret); resp.StatusCode != 200 {
		t.Errorf("non-matching issue: %d", resp.StatusCode)
	}

	// Jira moves the issue on and back: a stale "done" arrives after "reopen".
	started := j.TransitionAsUser("carol", key, "Start Progress")
	jiratest.Deliver(t, hook, started, testJiraSecret)
	done := j.TransitionAsUser("carol", key, "Done")
	resp := jiratest.Deliver(t, hook, done, testJiraSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("done delivery: %d", resp.StatusCode)
	}
	h.waitStatus("INC-1", "archived")
	if v := j.Issue(key); v.Status != "Done" {
		t.Errorf("issue status %q after closing from Jira", v.Status)
	}
	transitions := 0
	for _, r := range j.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/transitions") {
			transitions++
		}
	}
	if transitions != 0 {
		t.Errorf("warroom moved the issue %d times; it was closed in Jira already", transitions)
	}
	if n := len(h.incidents("")); n != 1 {
		t.Errorf("%d incidents at the end, want 1", n)
	}
}

// TestJiraStaleDoneIgnored: a "done" delivery older than a reopen that was
// already applied does not close the incident.
func TestJiraStaleDoneIgnored(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	hook := h.URL + "/hooks/jira"
	key, created := j.CreateIssueAsUser("carol", jiratest.IssueInput{Summary: "DNS flapping", Priority: "Highest"})
	jiratest.Deliver(t, hook, created, testJiraSecret)
	done := j.TransitionAsUser("carol", key, "Done")
	reopened := j.TransitionAsUser("carol", key, "Reopen")
	jiratest.Deliver(t, hook, reopened, testJiraSecret) // arrives first
	resp := jiratest.Deliver(t, hook, done, testJiraSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("late delivery: %d", resp.StatusCode)
	}
	if inc := h.incident("INC-1"); inc["status"] != "open" {
		t.Errorf("a stale done closed the incident: %v", inc["status"])
	}
}

// TestJiraMissingTransition: when the configured transition does not exist,
// the channel says which ones do, and the incident is archived anyway.
func TestJiraMissingTransition(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, func(c *Config) { c.Tickets.Jira.DoneTransition = "Resolve Issue" })
	h.api("POST", "/incidents", map[string]string{"title": "queue stuck", "severity": "high"})
	issue := jiraIssueOf(h, "INC-1")
	room := "/channels/" + h.channelID("INC-1") // the ticket may come first
	h.login("bob")
	h.waitFor("welcome", func() bool { _, p := h.do("GET", room+"/log", nil, nil); return strings.Contains(string(p), "opened") })
	h.do("POST", room+"/messages", formOf("text", "/incident close"), nil)
	h.waitStatus("INC-1", "archived")
	_, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	found := false
	for _, e := range h.timeline("INC-1") {
		found = found || e.Kind == "error" && strings.Contains(e.Text, `no transition "Resolve Issue"`) &&
			strings.Contains(e.Text, `"Done"`)
	}
	if !found {
		t.Errorf("no timeline error listing the transitions:\n%s", md)
	}
	if v := j.Issue(issue); v.StatusCategory == jiratest.CategoryDone {
		t.Error("the issue moved without the configured transition")
	}
}

// TestJiraOutage: Jira is down for a while, and rate-limits once it is back,
// with writes that land although the answer is lost: everything completes
// with no duplicate comment or attachment, and chat never waits.
func TestJiraOutage(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	j.SetDown(true)
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	var room string
	h.waitFor("channel while Jira is down", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident ack"), nil)
	if inc := h.incident("INC-1"); inc["status"] != "acked" {
		t.Fatalf("chat waited on Jira: %v", inc["status"])
	}
	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident close"), nil)
	h.waitFor("retries against the outage", func() bool {
		_, m := h.do("GET", "/metrics", nil, nil)
		return regexpRetry.Match(m)
	})
	j.SetDown(false)
	j.Inject(jiratest.Fault{Method: "POST", Path: "/comment", Status: 504, Body: "gateway timeout", Committed: true})
	j.Inject(jiratest.Fault{Method: "POST", Path: "/attachments", Status: 502, Body: "bad gateway", Committed: true})
	j.Inject(jiratest.Fault{Status: 429, Header: map[string]string{"Retry-After": "1"}, Body: `{"errorMessages":["Rate limit exceeded."],"errors":{}}`})
	h.waitStatus("INC-1", "archived")
	issue := jiraIssueOf(h, "INC-1")
	var v jiratest.IssueView
	h.waitFor("summary comment", func() bool { v = j.Issue(issue); return commentsWith(v, "h3. INC-1 archived") > 0 })
	h.waitPostmortem("INC-1", 1)
	v = j.Issue(issue)
	seen := map[string]int{}
	for _, a := range v.Attachments {
		seen[a.Filename]++
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s attached %d times", name, n)
		}
	}
	if len(seen) != 3 || seen["INC-1-postmortem.md"] != 1 {
		t.Errorf("attachments %v, want the two transcripts and the postmortem", seen)
	}
	if n := commentsWith(v, "Incident INC-1: open → acked"); n != 1 {
		t.Errorf("ack comment %d times, want 1", n)
	}
	if n := commentsWith(v, "h3. INC-1 archived"); n != 1 {
		t.Errorf("summary comment %d times, want 1", n)
	}
	if len(j.Issues()) != 1 {
		t.Errorf("%d issues: the create was repeated", len(j.Issues()))
	}
	if v.StatusCategory != jiratest.CategoryDone {
		t.Errorf("issue not closed: %s", v.Status)
	}
}

// TestJiraAttachmentLimit: documents over Jira's attachment limit stay in
// warroom, are linked from the summary comment, and count as verified.
func TestJiraAttachmentLimit(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{MaxAttachmentBytes: 1500}, func(c *Config) { c.Tickets.Jira.MaxAttachmentBytes = 1500 })
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	issue := jiraIssueOf(h, "INC-1")
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"})
	h.waitStatus("INC-1", "archived")
	var v jiratest.IssueView
	h.waitFor("summary comment", func() bool { v = j.Issue(issue); return commentsWith(v, "h3. INC-1 archived") > 0 })
	for _, a := range v.Attachments {
		if strings.Contains(a.Filename, "-transcript.") { // the postmortem's draft fits in the limit
			t.Errorf("attached %s over the limit", a.Filename)
		}
	}
	if commentsWith(v, "INC-1-transcript.json|"+h.cfg.PublicURL+"/incidents/INC-1/documents/INC-1-transcript.json] (kept in warroom") != 1 {
		t.Errorf("the summary does not link the kept document: %+v", v.Comments)
	}
	h.login("alice")
	code, body := h.do("GET", "/incidents/INC-1/documents/INC-1-transcript.json", nil, nil)
	if code != 200 || archive.Digest(body) == "" || !strings.Contains(string(body), `"key":"INC-1"`) {
		t.Errorf("kept document: %d %.80s", code, body)
	}
}

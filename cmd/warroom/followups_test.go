package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// apiFollowup is a follow-up as the API answers it.
type apiFollowup struct {
	ID     int64  `json:"id"`
	Text   string `json:"text"`
	Actor  string `json:"actor"`
	State  string `json:"state"`
	Ticket struct {
		Backend, Key, URL string
	} `json:"ticket"`
	ChangedBy string `json:"changed_by"`
	Tracked   bool   `json:"tracked"`
}

// followups lists the incident's follow-ups through the REST API.
func (h *harness) followups(key string) []apiFollowup {
	h.t.Helper()
	var out struct {
		Followups []apiFollowup `json:"followups"`
		Open      int           `json:"open"`
		Done      int           `json:"done"`
	}
	h.get("/incidents/"+key+"/followups", &out)
	open := 0
	for _, f := range out.Followups {
		if f.State == "open" {
			open++
		}
	}
	if out.Open != open || out.Done != len(out.Followups)-open {
		h.t.Errorf("counts open %d, done %d for %+v", out.Open, out.Done, out.Followups)
	}
	return out.Followups
}

// waitFollowupTickets waits until each of the incident's n follow-ups has its ticket.
func (h *harness) waitFollowupTickets(key string, n int) []apiFollowup {
	h.t.Helper()
	var list []apiFollowup
	h.waitFor(key+"'s follow-up tickets", func() bool {
		list = h.followups(key)
		for _, f := range list {
			if f.Ticket.Key == "" {
				return false
			}
		}
		return len(list) == n
	})
	return list
}

// wantAPIError checks a refusal: the status and a JSON body whose error
// says what to do.
func wantAPIError(t *testing.T, code int, raw []byte, wantCode int, want string) {
	t.Helper()
	var body struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &body); code != wantCode || err != nil || !strings.Contains(body.Error.Message, want) {
		t.Errorf("answer %d %s, want %d with an error containing %q", code, raw, wantCode, want)
	}
}

// followupIssuesIn are the fake's issues labelled as follow-ups.
func followupIssuesIn(j *jiratest.Server) []jiratest.IssueView {
	var out []jiratest.IssueView
	for _, is := range j.Issues() {
		if slices.Contains(is.Labels, "warroom-followup") {
			out = append(out, is)
		}
	}
	return out
}

// TestJiraFollowups: follow-ups recorded during the incident (chat command
// through the commands API, REST) become one Jira issue each when it
// closes, of the configured type, linked to the incident's issue; Jira's
// webhook marks them done and reopens them; one recorded after the close
// gets its issue at once, once, across a failed create and a create whose
// answer was lost; warroom does not change a state Jira keeps.
func TestJiraFollowups(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	hook := h.URL + "/hooks/jira"
	h.api("POST", "/incidents", map[string]string{"title": "checkout slow", "severity": "high"})
	issue := jiraIssueOf(h, "INC-1")

	code, raw := h.do("POST", "/api/v1/incidents/INC-1/commands", map[string]string{"actor": "alice", "text": "followup add an alert on disk usage"}, bearerAPI)
	if code != 200 || !strings.Contains(string(raw), "Follow-up #1 recorded") {
		t.Fatalf("followup command: %d %s", code, raw)
	}
	var second apiFollowup
	if code := h.apiInto("POST", "/incidents/INC-1/followups", map[string]string{"actor": "bob", "text": "  rotate the\n db keys "}, &second); code != 201 ||
		second.Text != "rotate the db keys" || second.State != "open" || second.Actor != "bob" {
		t.Fatalf("POST followups: %d %+v", code, second)
	}
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/followups", map[string]string{"text": " "}, bearerAPI)
	wantAPIError(t, code, raw, 400, "the follow-up is empty: write the action item")
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/followups/99/done", nil, bearerAPI)
	wantAPIError(t, code, raw, 404, "INC-1 has no follow-up #99: /incident followups lists its follow-ups")
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/followups/x/done", nil, bearerAPI)
	wantAPIError(t, code, raw, 400, `"x" is not a follow-up's number`)
	if n := len(followupIssuesIn(j)); n != 0 {
		t.Fatalf("%d follow-up issues before the close, want none", n)
	}

	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice", "reason": "fixed"})
	h.waitStatus("INC-1", "archived")
	list := h.waitFollowupTickets("INC-1", 2)
	issues := followupIssuesIn(j)
	if len(issues) != 2 {
		t.Fatalf("%d follow-up issues, want 2: %+v", len(issues), issues)
	}
	for i, f := range list {
		is := j.Issue(f.Ticket.Key)
		if f.Ticket.Backend != "jira" || !f.Tracked || is.IssueType != "Task" || is.Summary != f.Text {
			t.Errorf("follow-up %+v, issue %+v", f, is)
		}
		if len(is.IssueLinks) != 1 || is.IssueLinks[0].Type != "Relates" || is.IssueLinks[0].Issue != issue {
			t.Errorf("follow-up %d's issue links %+v, want one Relates to %s", i+1, is.IssueLinks, issue)
		}
	}

	// Resolved in Jira, then reopened: the state follows each delivery.
	fkey := list[0].Ticket.Key
	done := j.TransitionAsUser("carol", fkey, "Done")
	resp := jiratest.Deliver(t, hook, done, testJiraSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("done delivery: %d", resp.StatusCode)
	}
	if f := h.followups("INC-1")[0]; f.State != "done" || f.ChangedBy != "carol" {
		t.Errorf("after Jira's done: %+v", f)
	}
	jiratest.Deliver(t, hook, j.TransitionAsUser("carol", fkey, "Reopen"), testJiraSecret)
	if f := h.followups("INC-1")[0]; f.State != "open" {
		t.Errorf("after Jira's reopen: %+v", f)
	}
	done.ID = "the-done-again-late" // the older done, delivered again late
	jiratest.Deliver(t, hook, done, testJiraSecret)
	if f := h.followups("INC-1")[0]; f.State != "open" {
		t.Errorf("a late, older done changed the follow-up: %+v", f)
	}
	if got := h.followups("INC-1")[1]; got.State != "open" {
		t.Errorf("the other follow-up changed: %+v", got)
	}
	if h.getIncident("INC-1").Status != "archived" {
		t.Error("a follow-up's issue changed the incident's status")
	}
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/followups/1/done", map[string]string{"actor": "alice"}, bearerAPI)
	wantAPIError(t, code, raw, 409, "is tracked in jira as "+fkey+": resolve or reopen it there")

	// After the close: its issue at once, once, though the first create
	// fails and the second's answer is lost.
	j.Inject(jiratest.Fault{Method: "POST", Path: "/rest/api/2/issue", Status: http.StatusServiceUnavailable, Body: "down"})
	j.Inject(jiratest.Fault{Method: "POST", Path: "/rest/api/2/issue", Status: http.StatusBadGateway, Body: "proxy", Committed: true})
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/commands", map[string]string{"actor": "alice", "text": "followup write the postmortem"}, bearerAPI)
	if code != 200 || !strings.Contains(string(raw), "its ticket is being made now") {
		t.Fatalf("followup after the close: %d %s", code, raw)
	}
	list = h.waitFollowupTickets("INC-1", 3)
	if issues := followupIssuesIn(j); len(issues) != 3 {
		t.Errorf("%d follow-up issues, want 3 (one each): %+v", len(issues), issues)
	}
	if l := j.Issue(list[2].Ticket.Key).IssueLinks; len(l) != 1 || l[0].Issue != issue {
		t.Errorf("late follow-up's links %+v", l)
	}
	evs := h.timeline("INC-1")
	if countEvents(evs, "followup") != 3 || countEvents(evs, "followup_ticket") != 3 || countEvents(evs, "followup_state") != 2 {
		t.Errorf("timeline: %d followup, %d followup_ticket, %d followup_state events", countEvents(evs, "followup"),
			countEvents(evs, "followup_ticket"), countEvents(evs, "followup_state"))
	}
}

// TestBuiltinFollowups: on the builtin tickets a follow-up added from the
// incident page is listed there, becomes an item of the page when the
// incident closes, and is marked done and reopened there; one added after
// the close gets its item at once; bad input is refused with what to type.
func TestBuiltinFollowups(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.api("POST", "/incidents", map[string]string{"title": "queue stuck", "severity": "high"})
	h.login("alice")
	page := func() string {
		_, p := h.do("GET", "/incidents/INC-1", nil, nil)
		_, s, _ := strings.Cut(string(p), `<section id="followups"`)
		s, _, _ = strings.Cut(s, "</section>")
		return s
	}
	command := func(cmd, arg string) {
		t.Helper()
		code, body := h.do("POST", "/incidents/INC-1/command", url.Values{"command": {cmd}, "arg": {arg}}, nil)
		if code != http.StatusSeeOther {
			t.Fatalf("%s %q: %d %s", cmd, arg, code, body)
		}
	}
	command("followup", "drain the queue before deploys")
	if p := page(); !strings.Contains(p, "#1") || !strings.Contains(p, "drain the queue before deploys") ||
		!strings.Contains(p, "becomes a ticket when INC-1 closes") || !strings.Contains(p, "Follow-up #1 recorded") {
		t.Errorf("follow-ups section after adding:\n%s", p)
	}
	room := "/channels/" + h.channelID("INC-1")
	h.waitFor("the follow-up announced in the channel", func() bool {
		_, log := h.do("GET", room+"/log", nil, nil)
		return strings.Contains(string(log), "Follow-up from @alice: #1 drain the queue before deploys")
	})
	command("followup", "   ")
	if p := page(); !strings.Contains(p, "followup needs an argument: /incident followup &lt;text&gt;") {
		t.Errorf("an empty follow-up is not refused on the page:\n%s", p)
	}
	command("followup-done", "7")
	if p := page(); !strings.Contains(p, "INC-1 has no follow-up #7") {
		t.Errorf("an unknown follow-up is not refused on the page:\n%s", p)
	}
	code, raw := h.do("POST", "/api/v1/incidents/INC-1/followups", map[string]string{"text": strings.Repeat("x", 241)}, bearerAPI)
	wantAPIError(t, code, raw, 400, "at most 240 fit a ticket's summary")

	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice", "reason": "fixed"})
	h.waitStatus("INC-1", "archived")
	list := h.waitFollowupTickets("INC-1", 1)
	if f := list[0]; f.Ticket.Backend != "builtin" || f.Ticket.Key != "INC-1-F1" || !strings.HasSuffix(f.Ticket.URL, "/incidents/INC-1#followup-1") || f.Tracked {
		t.Errorf("builtin follow-up ticket: %+v", f)
	}
	command("followup-done", "#1")
	if f := h.followups("INC-1")[0]; f.State != "done" || f.ChangedBy != "alice" {
		t.Errorf("after Mark done: %+v", f)
	}
	if p := page(); !strings.Contains(p, `class="fstate">done`) || !strings.Contains(p, "Reopen") || !strings.Contains(p, "ticket INC-1-F1") {
		t.Errorf("follow-ups section after Mark done:\n%s", p)
	}
	command("followup-reopen", "1")
	if f := h.followups("INC-1")[0]; f.State != "open" {
		t.Errorf("after Reopen: %+v", f)
	}
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/followups/1/done", map[string]string{"actor": "bob"}, bearerAPI)
	if code != 200 || !strings.Contains(string(raw), `"state": "done"`) {
		t.Errorf("REST done: %d %s", code, raw)
	}
	code, raw = h.do("POST", "/api/v1/incidents/INC-1/followups/1/done", nil, bearerAPI)
	wantAPIError(t, code, raw, 409, "follow-up #1 is already done")

	// After the close: an item at once.
	var late apiFollowup
	if code := h.apiInto("POST", "/incidents/INC-1/followups", map[string]string{"text": "page the db team sooner"}, &late); code != 201 {
		t.Fatalf("late follow-up: %d", code)
	}
	list = h.waitFollowupTickets("INC-1", 2)
	if list[1].Ticket.Key != "INC-1-F2" || list[1].Actor != "api" {
		t.Errorf("late follow-up: %+v", list[1])
	}
	code, raw = h.do("GET", "/api/v1/incidents/INC-9/followups", nil, bearerAPI)
	wantAPIError(t, code, raw, 404, "INC-9")
}

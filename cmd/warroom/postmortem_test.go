package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/jira/jiratest"
	"github.com/warroom/warroom/integrations/pagerduty/pdtest"
)

// apiPostmortem is a postmortem as the API answers it.
type apiPostmortem struct {
	Incident       string    `json:"incident"`
	Severity       string    `json:"severity"`
	State          string    `json:"state"`
	Revision       int       `json:"revision"`
	Body           string    `json:"body"`
	EditedBy       string    `json:"edited_by"`
	EditedAt       time.Time `json:"edited_at"`
	SHA256         string    `json:"sha256"`
	ReviewedBy     string    `json:"reviewed_by"`
	StoredRevision int       `json:"stored_revision"`
	StoredIn       string    `json:"stored_in"`
}

// postmortem reads the incident's postmortem, or returns the status.
func (h *harness) postmortem(key string) (apiPostmortem, int) {
	h.t.Helper()
	var out struct {
		Postmortem apiPostmortem `json:"postmortem"`
	}
	code := h.apiInto("GET", "/incidents/"+key+"/postmortem", nil, &out)
	return out.Postmortem, code
}

// waitPostmortem waits until the incident's postmortem has revision n
// stored in the ticket and verified.
func (h *harness) waitPostmortem(key string, n int) apiPostmortem {
	h.t.Helper()
	var pm apiPostmortem
	h.waitFor(key+"'s postmortem revision "+string(rune('0'+n))+" stored", func() bool {
		var code int
		pm, code = h.postmortem(key)
		return code == http.StatusOK && pm.StoredRevision >= n
	})
	return pm
}

// errorMessage is the message of an API error answer.
func errorMessage(t *testing.T, raw []byte) string {
	t.Helper()
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.Error.Message == "" {
		t.Fatalf("not a JSON error naming the problem: %s", raw)
	}
	return e.Error.Message
}

// TestPostmortemEndToEnd: an incident run through chat and the API
// (paged through the PagerDuty fake, a pin, a status update, a severity
// change, ack, resolve, close) gets a drafted postmortem holding each of
// those at the time the timeline has it; it is stored on the builtin
// ticket (its page) and verified; edits through the API and the page's
// form are kept with who and when, and bad edits are refused with what
// is wrong; a review from the page stores the reviewed revision.
func TestPostmortemEndToEnd(t *testing.T) {
	pd := pdtest.New(t)
	h := startHarness(t, pagingConfig(t, pd.URL()))
	h.api("POST", "/incidents", map[string]string{"title": "checkout 500s", "severity": "high", "commander": "alice", "actor": "alice"})
	room := "/channels/" + h.channelID("INC-1")
	h.waitFor("PagerDuty triggered", func() bool { v, ok := pd.Incident("INC-1"); return ok && v.Status == pdtest.StatusTriggered })
	h.login("alice")
	say := func(text string) {
		t.Helper()
		if code, body := h.do("POST", room+"/messages", url.Values{"text": {text}}, nil); code != http.StatusSeeOther {
			t.Fatalf("say %q: %d %s", text, code, body)
		}
	}
	say("the cache is cold after the deploy")
	_, log := h.do("GET", room+"/log", nil, nil)
	msg := regexp.MustCompile(`id="m-([0-9a-f]+)" class="msg"[^>]*>\s*<div class="meta"><b class="author">alice`).FindStringSubmatch(string(log))
	if msg == nil {
		t.Fatalf("alice's message is not in the channel:\n%s", log)
	}
	if code, body := h.do("POST", room+"/messages/"+msg[1]+"/pin", url.Values{}, nil); code != http.StatusSeeOther {
		t.Fatalf("pin: %d %s", code, body)
	}
	say("/incident ack")
	if code, _ := h.api("POST", "/incidents/INC-1/severity", map[string]string{"severity": "critical", "actor": "alice"}); code != 200 {
		t.Fatalf("severity: %d", code)
	}
	say("/incident status rolled back the deploy, watching")
	say("/incident resolve")
	if code, _ := h.api("POST", "/incidents/INC-1/notes", map[string]string{"text": "no postmortem before the close", "actor": "alice"}); code != 200 {
		t.Fatal("note refused")
	}
	if _, code := h.postmortem("INC-1"); code != http.StatusNotFound {
		t.Errorf("a postmortem before the close: %d, want 404", code)
	}
	say("/incident close")
	pm := h.waitPostmortem("INC-1", 1)
	if pm.Revision != 1 || pm.EditedBy != "warroom" || pm.State != "draft" || pm.StoredIn != "ticket" {
		t.Errorf("the draft: %+v", pm)
	}
	// Each key event is in the draft at the time the timeline has it.
	want := map[string]string{"paged": "Paged", "pinned": "Pinned", "status_update": "Status update", "severity_changed": "Severity changed"}
	moves := map[string]string{"open → acked": "Acknowledged", "acked → resolved": "Resolved", "resolved → closed": "Closed"}
	seen := map[string]bool{}
	for _, ev := range h.timeline("INC-1") {
		label := want[ev.Kind]
		if ev.Kind == "status_changed" {
			label = moves[ev.Text]
		}
		if label == "" {
			continue
		}
		line := "- " + ev.At.UTC().Format("2006-01-02 15:04:05 UTC") + " **" + label + "**"
		if !strings.Contains(pm.Body, line) {
			t.Errorf("the draft lacks %q (%s %q):\n%s", line, ev.Kind, ev.Text, pm.Body)
		}
		seen[label] = true
	}
	if len(seen) != 7 {
		t.Errorf("the timeline had %v of the seven kinds of key event", seen)
	}
	for _, w := range []string{"| Severity | critical (opened as high) |", "| Commander | @alice |", "- @alice (commander", "(paged", "## Contributing factors", "## Lessons learned"} {
		if !strings.Contains(pm.Body, w) {
			t.Errorf("the draft lacks %q", w)
		}
	}
	// The builtin ticket is the incident's page: the postmortem is on it.
	_, page := h.do("GET", "/incidents/INC-1", nil, nil)
	if !strings.Contains(string(page), `class="summary md pm-on-ticket"`) || !strings.Contains(string(page), "Postmortem: INC-1 checkout 500s") {
		t.Errorf("the builtin ticket page does not show the postmortem")
	}

	// Edits through the API: saved with who and when; bad ones refused.
	put := func(body any) (int, []byte) {
		return h.do("PUT", "/api/v1/incidents/INC-1/postmortem", body, bearerAPI)
	}
	edited := pm.Body + "\nThe cache warms in 20 minutes.\n"
	if code, raw := put(map[string]any{"body": edited, "base_revision": 1, "actor": "bob"}); code != 200 {
		t.Fatalf("bob's edit: %d %s", code, raw)
	}
	h.declareAndWait(t, "INC-2")
	for _, tt := range []struct {
		name  string
		path  string
		body  any
		code  int
		names string
	}{
		{"empty", "INC-1", map[string]any{"body": "  \n", "base_revision": 2, "actor": "carol"}, 400, "empty"},
		{"unchanged", "INC-1", map[string]any{"body": edited, "base_revision": 2, "actor": "carol"}, 400, "changes nothing"},
		{"no base revision", "INC-1", map[string]any{"body": "x", "actor": "carol"}, 400, "base_revision"},
		{"stale", "INC-1", map[string]any{"body": "carol's text", "base_revision": 1, "actor": "carol"}, 409, "revision 2 was saved by bob"},
		{"no postmortem", "INC-2", map[string]any{"body": "x", "base_revision": 1, "actor": "carol"}, 404, "INC-2 has no postmortem yet"},
		{"unknown field", "INC-1", map[string]any{"text": "x", "base_revision": 2}, 400, "text"},
	} {
		code, raw := h.do("PUT", "/api/v1/incidents/"+tt.path+"/postmortem", tt.body, bearerAPI)
		if code != tt.code {
			t.Errorf("%s edit: %d, want %d: %s", tt.name, code, tt.code, raw)
			continue
		}
		if msg := errorMessage(t, raw); !strings.Contains(msg, tt.names) {
			t.Errorf("%s edit: %q does not name %q", tt.name, msg, tt.names)
		}
	}

	// The page's form: a stale save comes back with the problem above the
	// box and the text still in it; saving again puts it on top.
	mine := edited + "\nalice: and we add a warm-up step.\n"
	code, body := h.do("POST", "/incidents/INC-1/postmortem", url.Values{"body": {mine}, "base": {"1"}}, nil)
	if code != http.StatusConflict || !strings.Contains(string(body), `id="pm-problem"`) || !strings.Contains(string(body), "saved by bob") ||
		!strings.Contains(html.UnescapeString(string(body)), "and we add a warm-up step.") || !strings.Contains(string(body), `name="base" value="2"`) {
		t.Fatalf("stale form save: %d\n%s", code, body)
	}
	if code, body := h.do("POST", "/incidents/INC-1/postmortem", url.Values{"body": {""}, "base": {"2"}}, nil); code != 400 || !strings.Contains(string(body), "the postmortem is empty") {
		t.Errorf("empty form save: %d", code)
	}
	if code, body := h.do("POST", "/incidents/INC-1/postmortem", url.Values{"body": {mine}, "base": {"2"}}, nil); code != http.StatusSeeOther {
		t.Fatalf("form save: %d %s", code, body)
	}
	var revs struct {
		Revisions []struct {
			N      int       `json:"revision"`
			Author string    `json:"author"`
			At     time.Time `json:"at"`
			SHA256 string    `json:"sha256"`
		} `json:"revisions"`
	}
	h.apiInto("GET", "/incidents/INC-1/postmortem/revisions", nil, &revs)
	if len(revs.Revisions) != 3 || revs.Revisions[0].Author != "warroom" || revs.Revisions[1].Author != "bob" || revs.Revisions[2].Author != "alice" ||
		revs.Revisions[2].At.Before(revs.Revisions[1].At) || revs.Revisions[2].SHA256 == "" {
		t.Fatalf("revisions: %+v", revs.Revisions)
	}
	_, page = h.do("GET", "/incidents/INC-1/postmortem", nil, nil)
	for _, w := range []string{`id="rev-3"`, "@alice", "@bob", "What changed from revision 2", `<span class="dadd">+ alice: and we add a warm-up step.</span>`} {
		if !strings.Contains(html.UnescapeString(string(page)), w) {
			t.Errorf("the postmortem page's history lacks %q", w)
		}
	}
	if pm, _ := h.postmortem("INC-1"); pm.StoredRevision != 1 {
		t.Errorf("an edit went to the ticket before the review: stored revision %d", pm.StoredRevision)
	}

	// Reviewed from the page: the ticket gets the reviewed revision.
	if code, _ := h.do("POST", "/incidents/INC-1/postmortem/review", url.Values{"state": {"reviewed"}}, nil); code != http.StatusSeeOther {
		t.Fatalf("review: %d", code)
	}
	pm = h.waitPostmortem("INC-1", 3)
	if pm.State != "reviewed" || pm.ReviewedBy != "alice" {
		t.Errorf("after the review: %+v", pm)
	}
	if code, raw := h.do("POST", "/api/v1/incidents/INC-1/postmortem/review", map[string]string{"state": "reviewed"}, bearerAPI); code != 409 || !strings.Contains(errorMessage(t, raw), "reviewed already") {
		t.Errorf("a second review: %d %s", code, raw)
	}
	if code, raw := h.do("POST", "/api/v1/incidents/INC-1/postmortem/review", map[string]string{"state": "done"}, bearerAPI); code != 400 || !strings.Contains(errorMessage(t, raw), "draft, reviewed or published") {
		t.Errorf("an unknown state: %d %s", code, raw)
	}
}

// declareAndWait declares an incident by API and waits for its channel.
func (h *harness) declareAndWait(t *testing.T, key string) {
	t.Helper()
	h.api("POST", "/incidents", map[string]string{"title": "second " + key, "severity": "warning"})
	h.channelID(key)
}

// TestPostmortemReviewList: drafts oldest first, filtered by severity,
// through the API and the page; reviewed ones leave the list.
func TestPostmortemReviewList(t *testing.T) {
	h := startHarness(t, testConfig(t))
	for i, sev := range []string{"critical", "warning", "critical"} {
		key := "INC-" + string(rune('1'+i))
		h.api("POST", "/incidents", map[string]string{"title": sev + " thing", "severity": sev})
		h.channelID(key)
		h.api("POST", "/incidents/"+key+"/close", map[string]string{"actor": "alice"})
		h.waitPostmortem(key, 1) // one after the other: the order is known
	}
	list := func(query string) []string {
		t.Helper()
		var out struct {
			Postmortems []apiPostmortem `json:"postmortems"`
		}
		if code := h.apiInto("GET", "/postmortems"+query, nil, &out); code != 200 {
			t.Fatalf("list %s: %d", query, code)
		}
		var keys []string
		for _, p := range out.Postmortems {
			keys = append(keys, p.Incident)
		}
		return keys
	}
	for _, tt := range []struct{ query, want string }{
		{"", "INC-1 INC-2 INC-3"},
		{"?severity=critical", "INC-1 INC-3"},
		{"?severity=warning,critical", "INC-1 INC-2 INC-3"},
		{"?severity=info", ""},
		{"?state=reviewed", ""},
	} {
		if got := strings.Join(list(tt.query), " "); got != tt.want {
			t.Errorf("list %q: %q, want %q", tt.query, got, tt.want)
		}
	}
	if code, raw := h.do("GET", "/api/v1/postmortems?severity=sev9", nil, bearerAPI); code != 400 || !strings.Contains(errorMessage(t, raw), "unknown severity") {
		t.Errorf("a bad severity: %d %s", code, raw)
	}
	h.api("POST", "/incidents/INC-1/postmortem/review", map[string]string{"state": "published", "actor": "bob"})
	if got := strings.Join(list("?severity=critical"), " "); got != "INC-3" {
		t.Errorf("after INC-1 is published: %q, want INC-3", got)
	}
	if got := strings.Join(list("?state=published"), " "); got != "INC-1" {
		t.Errorf("published: %q, want INC-1", got)
	}
	h.login("carol")
	_, page := h.do("GET", "/postmortems?severity=critical", nil, nil)
	p := string(page)
	if !strings.Contains(p, `id="pm-INC-3"`) || strings.Contains(p, `id="pm-INC-2"`) || strings.Contains(p, `id="pm-INC-1"`) {
		t.Errorf("the review page for critical drafts:\n%s", p)
	}
	_, page = h.do("GET", "/postmortems", nil, nil)
	if i2, i3 := strings.Index(string(page), `id="pm-INC-2"`), strings.Index(string(page), `id="pm-INC-3"`); i2 < 0 || i3 < i2 {
		t.Errorf("the review page is not oldest first: INC-2 at %d, INC-3 at %d", i2, i3)
	}
}

// TestPostmortemOnJira: the draft is attached to the Jira issue with a
// comment, read back and verified; attachments whose answers were lost
// (Jira took them, the proxy answered 502) are retried into one each; an
// edit stays in warroom until the review, which attaches the reviewed
// revision and comments again.
func TestPostmortemOnJira(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	h.api("POST", "/incidents", map[string]string{"title": "payments slow", "severity": "critical", "commander": "alice"})
	issue := jiraIssueOf(h, "INC-1")
	j.Inject(jiratest.Fault{Method: "POST", Path: "/attachments", Times: 3, Status: 502, Body: "bad gateway", Committed: true})
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"})
	pm := h.waitPostmortem("INC-1", 1)
	attached := func() []jiratest.AttachmentView {
		var out []jiratest.AttachmentView
		for _, a := range j.Issue(issue).Attachments {
			if a.Filename == "INC-1-postmortem.md" {
				out = append(out, a)
			}
		}
		return out
	}
	h.waitFor("the postmortem comment", func() bool {
		return commentsWith(j.Issue(issue), "Postmortem of INC-1, revision 1 by warroom (draft)") == 1
	})
	if a := attached(); len(a) != 1 || string(a[0].Data) != pm.Body {
		t.Fatalf("%d postmortem attachments, want one with the draft", len(a))
	}
	h.waitStatus("INC-1", "archived")
	for name, n := range attachmentCounts(j.Issue(issue)) {
		if n != 1 {
			t.Errorf("%s attached %d times after lost answers, want once", name, n)
		}
	}
	code, _ := h.do("PUT", "/api/v1/incidents/INC-1/postmortem", map[string]any{"body": pm.Body + "\nbob: the pool was too small.\n", "base_revision": 1, "actor": "bob"}, bearerAPI)
	if code != 200 {
		t.Fatalf("edit: %d", code)
	}
	if a := attached(); len(a) != 1 {
		t.Errorf("the edit was attached before the review: %d attachments", len(a))
	}
	h.api("POST", "/incidents/INC-1/postmortem/review", map[string]string{"state": "reviewed", "actor": "carol"})
	h.waitPostmortem("INC-1", 2)
	h.waitFor("the reviewed revision's comment", func() bool { return commentsWith(j.Issue(issue), "revision 2 by bob (reviewed)") == 1 })
	a := attached()
	if len(a) != 2 || !strings.Contains(string(a[1].Data), "the pool was too small") {
		t.Errorf("after the review: %d postmortem attachments, want the draft and the reviewed revision", len(a))
	}
}

// attachmentCounts counts an issue's attachments by name.
func attachmentCounts(v jiratest.IssueView) map[string]int {
	out := map[string]int{}
	for _, a := range v.Attachments {
		out[a.Filename]++
	}
	return out
}

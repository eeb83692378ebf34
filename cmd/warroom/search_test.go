package main

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// apiSearch is GET /api/v1/search's answer.
type apiSearch struct {
	Query string `json:"query"`
	Hits  []struct {
		Incident apiIncident `json:"incident"`
		Field    string      `json:"field"`
		Ref      string      `json:"ref"`
		Snippet  []struct {
			Text  string `json:"text"`
			Match bool   `json:"match"`
		} `json:"snippet"`
		Score float64 `json:"score"`
		Link  string  `json:"link"`
	} `json:"hits"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func (h *harness) search(query string) apiSearch {
	h.t.Helper()
	var out apiSearch
	if code := h.apiInto("GET", "/search?"+query, nil, &out); code != http.StatusOK {
		h.t.Fatalf("search %s: %d", query, code)
	}
	return out
}

func (s apiSearch) keys() string {
	var ks []string
	for _, h := range s.Hits {
		ks = append(ks, h.Incident.Key)
	}
	return strings.Join(ks, " ")
}

// TestSearchThroughHTTP: incidents declared, worked in their builtin
// channels and archived through the real service on SQLite are found by
// GET /api/v1/search: each at its place (title, summary, labels, timeline,
// transcript message) with a snippet marking the words and a link to the
// place, which is an anchor on the incident page; ranked (the title before
// a message), filtered (status, severity, source, label, commander, date
// range), phrases and prefixes; and a query the index cannot read is a 400
// naming the problem. The search page shows the same with <mark>.
func TestSearchThroughHTTP(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.login("alice")
	declare := func(body map[string]any) string {
		var inc apiIncident
		if code := h.apiInto("POST", "/incidents", body, &inc); code != http.StatusCreated {
			t.Fatalf("declare %v: %d", body, code)
		}
		return inc.Key
	}
	one := declare(map[string]any{"title": "Checkout latency high", "severity": "critical", "summary": "Payments slow for EU customers",
		"labels": map[string]string{"service": "checkout", "env": "prod"}, "commander": "carol"})
	two := declare(map[string]any{"title": "Kraken gateway errors", "severity": "warning", "labels": map[string]string{"service": "gateway"}, "commander": "dave"})
	h.waitFor("channels", func() bool { return h.getIncident(one).Channel.ID != "" && h.getIncident(two).Channel.ID != "" })
	room := "/channels/" + h.getIncident(one).Channel.ID
	h.say(room, "looking at the dashboards now")
	h.say(room, "the kraken pool is exhausted, restarting it")
	h.say(room, "connection refused by the upstream again")
	h.api("POST", "/incidents/"+one+"/notes", map[string]string{"actor": "bob", "text": "rolled back to v41"})
	h.api("POST", "/incidents/"+one+"/close", map[string]string{"actor": "alice", "reason": "fixed"})
	h.waitStatus(one, "archived")

	// The transcript message, its place and its anchor.
	res := h.search("q=kraken+pool")
	if res.keys() != one || res.Hits[0].Field != "transcript" {
		t.Fatalf("kraken pool: %+v", res)
	}
	hit := res.Hits[0]
	var marked []string
	for _, p := range hit.Snippet {
		if p.Match {
			marked = append(marked, strings.ToLower(p.Text))
		}
	}
	if strings.Join(marked, " ") != "kraken pool" || hit.Score <= 0 {
		t.Errorf("snippet %+v (score %v), want kraken and pool marked", hit.Snippet, hit.Score)
	}
	if want := h.cfg.PublicURL + "/incidents/" + one + "#m-" + url.PathEscape(hit.Ref); hit.Link != want || hit.Ref == "" {
		t.Errorf("link %q, want %q", hit.Link, want)
	}
	_, page := h.do("GET", "/incidents/"+one, nil, nil)
	li := regexp.MustCompile(`(?s)<li id="m-` + regexp.QuoteMeta(html.EscapeString(hit.Ref)) + `"[^>]*>.*?</li>`).Find(page)
	if !strings.Contains(string(li), "kraken pool is exhausted") {
		t.Errorf("the incident page has no transcript message at #m-%s holding the words: %q", hit.Ref, li)
	}

	// Each place, and the ranking: a title outranks a message.
	for q, want := range map[string]string{"payments": "summary", "service%3Dcheckout": "labels", "v41": "timeline", "latency": "title"} {
		if r := h.search("q=" + q); r.keys() != one || r.Hits[0].Field != want {
			t.Errorf("%s: %s at %+v, want %s at %s", q, r.keys(), r.Hits, one, want)
		}
	}
	evHit := h.search("q=v41").Hits[0]
	if !strings.HasSuffix(evHit.Link, "#ev-"+evHit.Ref) || !strings.Contains(string(page), `id="ev-`+evHit.Ref+`"`) {
		t.Errorf("timeline hit links %q; the page has no anchor ev-%s", evHit.Link, evHit.Ref)
	}
	if r := h.search("q=kraken"); r.keys() != two+" "+one || r.Hits[0].Field != "title" || r.Hits[1].Field != "transcript" {
		t.Errorf("kraken: %s, want %s (title) before %s (message)", r.keys(), two, one)
	}

	// Filters.
	today := time.Now().UTC().Format("2006-01-02")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	for q, want := range map[string]string{
		"q=kraken&status=archived":                           one,
		"q=kraken&status=open,acked":                         two,
		"q=kraken&severity=critical":                         one,
		"q=kraken&severity=warning&severity=high":            two,
		"q=kraken&source=api":                                two + " " + one,
		"q=kraken&source=grafana":                            "",
		"q=kraken&label=service%3Dgateway":                   two,
		"q=kraken&label=service%3Dcheckout&label=env%3Dprod": one,
		"q=kraken&label=env%3Dstaging":                       "",
		"q=kraken&commander=%40carol":                        one,
		"q=kraken&from=" + today:                             two + " " + one,
		"q=kraken&from=" + tomorrow:                          "",
		"q=kraken&to=" + today:                               two + " " + one,
		"q=kraken&limit=1&offset=1":                          one,
	} {
		if got := h.search(q).keys(); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}

	// Phrases and prefixes.
	for q, want := range map[string]string{
		`"connection refused"`: one,
		`"refused connection"`: "",
		`restart*`:             one,
		`"kraken po*"`:         one,
		`dashboard`:            "", // a word, not a substring
		`dashboard*`:           one,
		one:                    one,
		`zyzzyva`:              "",
	} {
		if got := h.search("q=" + url.QueryEscape(q)).keys(); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}

	// Queries the index cannot read, and bad filters.
	for q, want := range map[string]string{
		`q=%22unclosed`:                     "unclosed quote",
		`q=`:                                "the search is empty",
		`q=*`:                               "a * with no word before it",
		`q=ab*cd`:                           "a * goes at the end of a word",
		`q=%21%21%21`:                       "no letters or digits",
		`q=a*`:                              "at least 2 letters",
		`q=x&label=service`:                 "not name=value",
		`q=x&from=yesterday`:                "neither a date",
		`q=x&severity=urgent`:               "urgent",
		`q=x&limit=1000`:                    "limit",
		`q=x&stauts=open`:                   `unknown search parameter "stauts"`,
		`q=x&from=2026-12-03&to=2026-12-01`: "the range is empty",
	} {
		code, body := h.do("GET", "/api/v1/search?"+q, nil, map[string]string{"Authorization": "Bearer " + testAPIToken})
		var e struct {
			Error struct{ Kind, Message string } `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil || code != http.StatusBadRequest || e.Error.Kind != "invalid" || !strings.Contains(e.Error.Message, want) {
			t.Errorf("%s: %d %s, want 400 invalid saying %q", q, code, body, want)
		}
	}

	// The page.
	code, body := h.do("GET", "/search?q=kraken+pool&status=&severity=&label=", nil, nil)
	if code != http.StatusOK || !strings.Contains(string(body), "<mark>kraken</mark>") ||
		!strings.Contains(string(body), fmt.Sprintf(`href="/incidents/%s#m-%s"`, one, html.EscapeString(url.PathEscape(hit.Ref)))) {
		t.Errorf("search page: %d\n%s", code, body)
	}
	code, body = h.do("GET", "/search?q=%22unclosed", nil, nil)
	if code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(string(body)), "unclosed quote") {
		t.Errorf("search page with a bad query: %d\n%s", code, body)
	}
}

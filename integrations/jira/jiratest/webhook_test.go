package jiratest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// payload is the part of a webhook body the tests look at.
type payload struct {
	Timestamp      int64  `json:"timestamp"`
	WebhookEvent   string `json:"webhookEvent"`
	IssueEventType string `json:"issue_event_type_name"`
	User           *struct {
		Name, Key, DisplayName string
		AccountID              string `json:"accountId"`
	} `json:"user"`
	Issue struct {
		ID, Key string
		Fields  struct {
			Summary string
			Labels  []string
			Status  struct {
				Name           string
				StatusCategory struct{ Key string }
			}
		}
	} `json:"issue"`
	Changelog *struct {
		Items []struct {
			Field, From, FromString, To, ToString string
		}
	} `json:"changelog"`
	Comment *struct {
		ID, Body string
		Author   struct{ Name string }
	} `json:"comment"`
}

func decode(t *testing.T, w jiratest.Webhook) payload {
	t.Helper()
	var p payload
	if err := json.Unmarshal(w.Body, &p); err != nil {
		t.Fatalf("%s: %v", w.Body, err)
	}
	return p
}

var clock = time.Date(2024, 5, 2, 10, 0, 0, 123e6, time.UTC)

func humanServer(t *testing.T) *jiratest.Server {
	return jiratest.New(t, jiratest.Options{
		Now:   func() time.Time { return clock },
		Users: []jiratest.User{{Name: "jsmith", DisplayName: "Jane Smith"}},
	})
}

func TestCreateIssueAsUser(t *testing.T) {
	srv := humanServer(t)
	key, w := srv.CreateIssueAsUser("jsmith", jiratest.IssueInput{
		Summary: "SEV2: checkout latency", Labels: []string{"incident", "sev2"}, Priority: "High",
	})
	p := decode(t, w)
	if w.ID == "" || w.Event != "jira:issue_created" || w.IssueKey != key {
		t.Errorf("webhook %+v", w)
	}
	if p.WebhookEvent != "jira:issue_created" || p.IssueEventType != "issue_created" || p.Timestamp != clock.UnixMilli() {
		t.Errorf("head %+v", p)
	}
	if p.User == nil || p.User.Name != "jsmith" || p.User.Key == "" || p.User.DisplayName != "Jane Smith" || p.User.AccountID != "" {
		t.Errorf("user %+v, want a Data Center user", p.User)
	}
	if p.Issue.Key != key || p.Issue.Fields.Status.StatusCategory.Key != "new" ||
		!slices.Equal(p.Issue.Fields.Labels, []string{"incident", "sev2"}) {
		t.Errorf("issue %+v", p.Issue)
	}
	got, _, err := newClient(t, srv).Issue.Get(key, nil)
	must(t, err)
	if got.Fields.Reporter.Name != "jsmith" || got.Fields.Priority.Name != "High" {
		t.Errorf("through the API: reporter %v priority %v", got.Fields.Reporter, got.Fields.Priority)
	}
}

func TestTransitionAsUser(t *testing.T) {
	srv := humanServer(t)
	key, _ := srv.CreateIssueAsUser("jsmith", jiratest.IssueInput{Summary: "s"})
	tests := []struct {
		transition         string
		fromName, fromID   string
		toName, toID       string
		resolutionInChange bool
	}{
		{"Start Progress", "To Do", "10000", "In Progress", "3", false},
		{"done", "In Progress", "3", "Done", "10001", true}, // names match case-insensitively
		{"Reopen", "Done", "10001", "To Do", "10000", true},
	}
	for _, tt := range tests {
		t.Run(tt.transition, func(t *testing.T) {
			p := decode(t, srv.TransitionAsUser("jsmith", key, tt.transition))
			if p.WebhookEvent != "jira:issue_updated" || p.IssueEventType != "issue_generic" || p.User.Name != "jsmith" {
				t.Errorf("head %+v", p)
			}
			if p.Changelog == nil {
				t.Fatal("no changelog")
			}
			var status, resolution bool
			for _, it := range p.Changelog.Items {
				switch it.Field {
				case "status":
					status = true
					if it.From != tt.fromID || it.FromString != tt.fromName || it.To != tt.toID || it.ToString != tt.toName {
						t.Errorf("status item %+v", it)
					}
				case "resolution":
					resolution = true
				}
			}
			if !status || resolution != tt.resolutionInChange {
				t.Errorf("items %+v", p.Changelog.Items)
			}
			if p.Issue.Fields.Status.Name != tt.toName || srv.Issue(key).Status != tt.toName {
				t.Errorf("issue status %q / %q, want %q", p.Issue.Fields.Status.Name, srv.Issue(key).Status, tt.toName)
			}
		})
	}
}

func TestCommentAsUserAndEvents(t *testing.T) {
	srv := humanServer(t)
	key, _ := srv.CreateIssueAsUser("jsmith", jiratest.IssueInput{Summary: "s"})
	w := srv.CommentAsUser("jsmith", key, "Rolled back deploy 1234")
	p := decode(t, w)
	if p.WebhookEvent != "comment_created" || p.Comment == nil || p.Comment.Author.Name != "jsmith" ||
		p.Comment.Body != "Rolled back deploy 1234" || p.Issue.Key != key {
		t.Errorf("comment_created %+v", p)
	}

	// The bot's own comment comes back as webhooks too.
	_, _, err := newClient(t, srv).Issue.AddComment(key, &jira.Comment{Body: "from chat"})
	must(t, err)
	var got []string
	for _, e := range srv.Events() {
		got = append(got, e.Event+"/"+e.IssueEventType+"/"+decodeAuthor(t, e))
	}
	want := []string{
		"jira:issue_created/issue_created/jsmith",
		"comment_created//jsmith",
		"jira:issue_updated/issue_commented/jsmith",
		"comment_created//incident-bot",
		"jira:issue_updated/issue_commented/incident-bot",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
}

func decodeAuthor(t *testing.T, w jiratest.Webhook) string {
	p := decode(t, w)
	if p.User != nil {
		return p.User.Name
	}
	return p.Comment.Author.Name
}

func TestSign(t *testing.T) {
	// The example of GitHub's webhook documentation, same scheme.
	got := jiratest.Sign("It's a Secret to Everybody", []byte("Hello, World!"))
	if want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

type delivery struct {
	header http.Header
	body   []byte
}

func receiver(t *testing.T) (string, func() []delivery) {
	var mu sync.Mutex
	var got []delivery
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, delivery{r.Header.Clone(), b})
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(rs.Close)
	return rs.URL, func() []delivery { mu.Lock(); defer mu.Unlock(); return slices.Clone(got) }
}

func TestDeliverAndRedeliver(t *testing.T) {
	srv := humanServer(t)
	_, created := srv.CreateIssueAsUser("jsmith", jiratest.IssueInput{Summary: "s"})
	comment := srv.CommentAsUser("jsmith", "OPS-1", "hi")
	url, deliveries := receiver(t)

	tests := []struct {
		name   string
		send   func() *http.Response
		w      jiratest.Webhook
		secret string
		retry  string
	}{
		{"unsigned", func() *http.Response { return jiratest.Deliver(t, url, created, "") }, created, "", ""},
		{"signed", func() *http.Response { return jiratest.Deliver(t, url, created, "s3cret") }, created, "s3cret", ""},
		{"redelivery", func() *http.Response { return jiratest.Redeliver(t, url, created, "s3cret", 1) }, created, "s3cret", "1"},
		{"another event", func() *http.Response { return jiratest.Deliver(t, url, comment, "s3cret") }, comment, "s3cret", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp := tt.send(); resp.StatusCode != http.StatusAccepted {
				t.Fatalf("status %d", resp.StatusCode)
			}
			d := deliveries()[i]
			if string(d.body) != string(tt.w.Body) {
				t.Errorf("body differs from the webhook's bytes")
			}
			checks := map[string]string{
				"Content-Type":                   "application/json",
				"X-Atlassian-Webhook-Identifier": tt.w.ID,
				"X-Atlassian-Webhook-Retry":      tt.retry,
				"X-Hub-Signature":                "",
			}
			if tt.secret != "" {
				mac := hmac.New(sha256.New, []byte(tt.secret))
				mac.Write(d.body)
				checks["X-Hub-Signature"] = "sha256=" + hex.EncodeToString(mac.Sum(nil))
			}
			for h, want := range checks {
				if got := d.header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}
	if created.ID == comment.ID {
		t.Errorf("two events share identifier %s", created.ID)
	}
}

// keyPaths lists every object key path in a JSON document with the kind of
// its value; arrays contribute their elements under "[]".
func keyPaths(v any, prefix string, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		out[prefix] = "object"
		for k, x := range v {
			keyPaths(x, prefix+"."+k, out)
		}
	case []any:
		out[prefix] = "array"
		for _, x := range v {
			keyPaths(x, prefix+"[]", out)
		}
	case nil:
		if _, ok := out[prefix]; !ok {
			out[prefix] = "null"
		}
	case string:
		out[prefix] = "string"
	case float64:
		out[prefix] = "number"
	case bool:
		out[prefix] = "bool"
	}
}

func paths(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var v any
	must(t, json.Unmarshal(body, &v))
	out := map[string]string{}
	keyPaths(v, "", out)
	return out
}

// The fake's webhooks must carry at least every field of the composed
// payloads in testdata, with the same kinds, so the adapter tested against
// either sees the same shape.
func TestTestdataMatchesFakeWebhooks(t *testing.T) {
	srv := humanServer(t)
	key, created := srv.CreateIssueAsUser("jsmith", jiratest.IssueInput{
		Summary: "SEV2: checkout latency > 2s", Description: "p95 high", Labels: []string{"incident", "sev2"}, Priority: "High",
	})
	srv.TransitionAsUser("jsmith", key, "Start Progress")
	commented := srv.CommentAsUser("jsmith", key, "Rolled back deploy 1234")
	done := srv.TransitionAsUser("jsmith", key, "Done")

	tests := []struct {
		file string
		fake jiratest.Webhook
	}{
		{"jira-dc-issue-created-incident.json", created},
		{"jira-dc-issue-updated-done.json", done},
		{"jira-dc-comment-created.json", commented},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			w := jiratest.ReadWebhook(t, filepath.Join("..", "testdata", tt.file))
			if w.Event != tt.fake.Event || w.IssueEventType != tt.fake.IssueEventType || w.IssueKey == "" || w.ID == "" {
				t.Errorf("testdata %s/%s key %q, fake %s/%s", w.Event, w.IssueEventType, w.IssueKey, tt.fake.Event, tt.fake.IssueEventType)
			}
			want, got := paths(t, w.Body), paths(t, tt.fake.Body)
			var problems []string
			for p, kind := range want {
				switch g, ok := got[p]; {
				case !ok:
					problems = append(problems, p+" missing")
				case g != kind && g != "null" && kind != "null":
					problems = append(problems, p+" is "+g+", testdata has "+kind)
				}
			}
			sort.Strings(problems)
			for _, p := range problems {
				t.Errorf("fake webhook: %s", p)
			}
		})
	}
}

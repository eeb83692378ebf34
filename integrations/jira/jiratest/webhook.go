package jiratest

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// Webhook is one webhook delivery as Jira would make it: the event body and
// the identifier that stays the same when Jira delivers it again.
type Webhook struct {
	ID             string // X-Atlassian-Webhook-Identifier
	Event          string // webhookEvent, e.g. "jira:issue_updated"
	IssueEventType string // issue_event_type_name, e.g. "issue_generic"; "" for comment events
	IssueKey       string
	Body           []byte // the raw JSON body, the bytes that are signed
}

// Events returns every webhook Jira would have sent so far, for changes
// made through the API and as users alike, oldest first. A comment fires
// two: comment_created and a jira:issue_updated of type issue_commented.
func (s *Server) Events() []Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.events)
	for i := range out {
		out[i].Body = slices.Clone(out[i].Body)
	}
	return out
}

// ReadWebhook loads a webhook body from a file, such as the payloads in
// integrations/jira/testdata, with a fresh identifier.
func ReadWebhook(t testing.TB, path string) Webhook {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("jiratest: %v", err)
	}
	var head struct {
		Event     string `json:"webhookEvent"`
		EventType string `json:"issue_event_type_name"`
		Issue     struct {
			Key string `json:"key"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		t.Fatalf("jiratest: %s: %v", path, err)
	}
	return Webhook{ID: rand.Text(), Event: head.Event, IssueEventType: head.EventType, IssueKey: head.Issue.Key, Body: body}
}

// emitIssueEvent records a jira:issue_* event: the user who acted, the
// issue as it is now, the changelog entry h and the comment c when given.
// Called with s.mu held.
func (s *Server) emitIssueEvent(event, eventType, user string, is *issue, h *changeGroup, c *comment) {
	payload := map[string]any{
		"timestamp":             s.now().UnixMilli(),
		"webhookEvent":          event,
		"issue_event_type_name": eventType,
		"user":                  s.userJSON(user),
		"issue":                 s.issueJSON(is, "*all", "", ""),
	}
	if h != nil {
		items := make([]any, 0, len(h.items))
		for _, it := range h.items {
			items = append(items, it.json())
		}
		payload["changelog"] = map[string]any{"id": h.id, "items": items}
	}
	if c != nil {
		payload["comment"] = s.commentJSON(is, c)
	}
	s.emit(event, eventType, is, payload)
}

// emitCommentEvent records comment_created, whose issue is a slim one.
// Called with s.mu held.
func (s *Server) emitCommentEvent(is *issue, c *comment) {
	fields := selectFields(s.allFields(is), "summary,status,issuetype,project,priority,assignee", "")
	s.emit("comment_created", "", is, map[string]any{
		"timestamp":    s.now().UnixMilli(),
		"webhookEvent": "comment_created",
		"comment":      s.commentJSON(is, c),
		"issue":        map[string]any{"id": is.id, "self": s.issueSelf(is), "key": is.key, "fields": fields},
	})
}

func (s *Server) emit(event, eventType string, is *issue, payload map[string]any) {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err) // only maps, strings and numbers: cannot happen
	}
	s.events = append(s.events, Webhook{
		ID: rand.Text(), Event: event, IssueEventType: eventType, IssueKey: is.key, Body: body,
	})
}

// eventSince is the first event named event recorded at or after index i.
// Called with s.mu held.
func (s *Server) eventSince(i int, event string) Webhook {
	for _, w := range s.events[i:] {
		if w.Event == event {
			return w
		}
	}
	return Webhook{}
}

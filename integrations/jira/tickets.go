package jira

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/incident"
)

// priorityOf maps warroom's severity to Jira's default priorities.
var priorityOf = map[incident.Severity]string{
	incident.SeverityCritical: "Highest",
	incident.SeverityHigh:     "High",
	incident.SeverityWarning:  "Medium",
	incident.SeverityInfo:     "Low",
}

// OpenTicket creates the incident's issue, or finds the one an earlier
// attempt created (by its warroom label).
func (b *Backend) OpenTicket(ctx context.Context, inc *incident.Incident) (incident.TicketRef, error) {
	found, err := b.findByLabel(ctx, b.cfg.Project, "tickets.jira.project", label(inc), "the ticket of "+inc.Key)
	if err != nil || found != "" {
		return b.ref(found), err
	}
	summary, err := b.tmpl.Render("ticket_title", b.data(inc))
	if err != nil {
		return incident.TicketRef{}, err
	}
	description, err := b.tmpl.Render("ticket_description", b.data(inc))
	if err != nil {
		return incident.TicketRef{}, err
	}
	fields := &jira.IssueFields{
		Project: jira.Project{Key: b.cfg.Project}, Type: jira.IssueType{Name: b.cfg.IssueType},
		Summary: oneLine(summary, 255), Description: description, Labels: []string{"warroom", label(inc)},
		Priority: &jira.Priority{Name: priorityOf[inc.Severity]},
	}
	created, resp, err := b.client.Issue.CreateWithContext(ctx, &jira.Issue{Fields: fields})
	if err != nil && fieldError(resp, err, "priority") {
		// The project's create screen has no priority: create without it.
		fields.Priority = nil
		created, resp, err = b.client.Issue.CreateWithContext(ctx, &jira.Issue{Fields: fields})
	}
	if err != nil {
		return incident.TicketRef{}, classify(fmt.Sprintf("create a %s in project %s", b.cfg.IssueType, b.cfg.Project), resp, err)
	}
	return b.ref(created.Key), nil
}

// findByLabel returns the key of the issue of project that carries label
// (the one an earlier attempt created), or "" when there is none. key is
// the config key that names project: Jira refuses the search (400) when
// the project does not exist or the user cannot see it.
func (b *Backend) findByLabel(ctx context.Context, project, key, label, what string) (string, error) {
	jql := fmt.Sprintf(`project = %s AND labels = "%s"`, project, label)
	found, resp, err := b.client.Issue.SearchWithContext(ctx, jql, &jira.SearchOptions{MaxResults: 1, Fields: []string{"summary"}})
	if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusGone {
		// Jira Cloud removed the legacy search; its successor pages by token.
		found, resp, err = b.client.Issue.SearchV2JQLWithContext(ctx, jql, &jira.SearchOptionsV2{MaxResults: 1, Fields: []string{"summary"}})
	}
	if err != nil {
		hint := fmt.Sprintf("set %s to the key of a project the Jira user can browse", key)
		return "", classifyAs(system.WithHint(http.StatusBadRequest, hint), "search for "+what, resp, err)
	}
	if len(found) > 0 {
		return found[0].Key, nil
	}
	return "", nil
}

// markerOf ends every comment warroom writes, so that a retried comment
// finds the first copy.
func markerOf(key string) string { return "~warroom:" + key + "~" }

// Comment adds a comment, once.
func (b *Backend) Comment(ctx context.Context, t incident.TicketRef, c incident.TicketComment) error {
	marker := markerOf(c.Key)
	if c.Retry {
		has, err := b.hasComment(ctx, t.Key, marker)
		if err != nil || has {
			return err
		}
	}
	body := c.Text + "\n\n" + marker
	_, resp, err := b.client.Issue.AddCommentWithContext(ctx, t.Key, &jira.Comment{Body: body})
	return classify("comment on "+t.Key, resp, err)
}

// hasComment pages through the issue's comments looking for marker.
func (b *Backend) hasComment(ctx context.Context, key, marker string) (bool, error) {
	for start := 0; ; {
		var page struct {
			StartAt    int `json:"startAt"`
			MaxResults int `json:"maxResults"`
			Total      int `json:"total"`
			Comments   []struct {
				Body string `json:"body"`
			} `json:"comments"`
		}
		path := fmt.Sprintf("rest/api/2/issue/%s/comment?startAt=%d&maxResults=100", url.PathEscape(key), start)
		req, err := b.client.NewRequestWithContext(ctx, "GET", path, nil)
		if err != nil {
			return false, err
		}
		resp, err := b.client.Do(req, &page)
		if err != nil {
			return false, classify("read the comments of "+key, resp, err)
		}
		for _, c := range page.Comments {
			if strings.Contains(c.Body, marker) {
				return true, nil
			}
		}
		start = page.StartAt + len(page.Comments)
		if len(page.Comments) == 0 || start >= page.Total {
			return false, nil
		}
	}
}

// CloseTicket moves the issue with the configured transition. An issue
// already in a done status is left alone; a transition that does not exist
// from where the issue is gives a permanent error listing those that do.
func (b *Backend) CloseTicket(ctx context.Context, t incident.TicketRef, reason string) error {
	issue, resp, err := b.client.Issue.GetWithContext(ctx, t.Key, &jira.GetQueryOptions{Fields: "status"})
	if err != nil {
		return classify("read "+t.Key, resp, err)
	}
	status := ""
	if issue.Fields != nil && issue.Fields.Status != nil {
		status = issue.Fields.Status.Name
		if issue.Fields.Status.StatusCategory.Key == "done" {
			return nil
		}
	}
	transitions, resp, err := b.client.Issue.GetTransitionsWithContext(ctx, t.Key)
	if err != nil {
		return classify("read the transitions of "+t.Key, resp, err)
	}
	var names []string
	for _, tr := range transitions {
		if !strings.EqualFold(tr.Name, b.cfg.DoneTransition) {
			names = append(names, fmt.Sprintf("%q", tr.Name))
			continue
		}
		payload := jira.CreateTransitionPayload{Transition: jira.TransitionPayload{ID: tr.ID}}
		if f, ok := tr.Fields["resolution"]; ok && f.Required {
			payload.Fields.Resolution = &jira.Resolution{Name: "Done"}
		}
		resp, err := b.client.Issue.DoTransitionWithPayloadWithContext(ctx, t.Key, payload)
		return classify(fmt.Sprintf("move %s with %q", t.Key, tr.Name), resp, err)
	}
	return incident.Errorf(incident.KindPermanent, "Jira has no transition %q from %s's status %q; the transitions there are %s: set tickets.jira.done_transition to one of them",
		b.cfg.DoneTransition, t.Key, status, strings.Join(names, ", "))
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

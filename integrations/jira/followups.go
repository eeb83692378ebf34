package jira

import (
	"context"
	"fmt"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/incident"
)

// followupLabel marks a follow-up's issue, so that a retried create finds
// the issue an earlier attempt made. It starts with "warroom-", so the
// trigger never opens an incident for it, and differs from the incident's
// own label, so OpenTicket never takes it for the incident's issue.
func followupLabel(inc *incident.Incident, f incident.Followup) string {
	return fmt.Sprintf("%s-followup-%d", label(inc), f.ID)
}

// TracksFollowups is true: a follow-up's state is its issue's, read back
// from the webhook.
func (b *Backend) TracksFollowups() bool { return true }

// OpenFollowupTicket creates the follow-up's issue in
// tickets.jira.followups.project, linked to the incident's issue with
// followups.link_type. A retry adopts what an earlier attempt made: the
// issue found by its label, the link found among the issue's links.
func (b *Backend) OpenFollowupTicket(ctx context.Context, inc *incident.Incident, f incident.Followup) (incident.TicketRef, error) {
	fc := b.cfg.Followups
	lbl := followupLabel(inc, f)
	key, err := b.findByLabel(ctx, fc.Project, "tickets.jira.followups.project", lbl, fmt.Sprintf("the issue of follow-up #%d of %s", f.ID, inc.Key))
	if err != nil {
		return incident.TicketRef{}, err
	}
	adopted := key != ""
	if !adopted {
		fields := &jira.IssueFields{
			Project: jira.Project{Key: fc.Project}, Type: jira.IssueType{Name: fc.IssueType},
			Summary: oneLine(f.Text, 255), Description: b.followupDescription(inc, f), Labels: []string{"warroom", "warroom-followup", lbl},
		}
		created, resp, err := b.client.Issue.CreateWithContext(ctx, &jira.Issue{Fields: fields})
		if err != nil {
			return incident.TicketRef{}, classify(fmt.Sprintf("create a %s in project %s (tickets.jira.followups)", fc.IssueType, fc.Project), resp, err)
		}
		key = created.Key
	}
	if err := b.linkFollowup(ctx, key, inc, adopted); err != nil {
		return incident.TicketRef{}, err
	}
	return b.ref(key), nil
}

// linkFollowup links the follow-up's issue to the incident's, unless the
// incident has no Jira issue or (on an adopted issue) the link is there.
func (b *Backend) linkFollowup(ctx context.Context, key string, inc *incident.Incident, adopted bool) error {
	if inc.Ticket.Empty() || inc.Ticket.Backend != Name {
		return nil
	}
	lt := b.cfg.Followups.LinkType
	if adopted {
		issue, resp, err := b.client.Issue.GetWithContext(ctx, key, &jira.GetQueryOptions{Fields: "issuelinks"})
		if err != nil {
			return classify("read the links of "+key, resp, err)
		}
		if issue.Fields != nil && hasLink(issue.Fields.IssueLinks, lt, inc.Ticket.Key) {
			return nil
		}
	}
	link := &jira.IssueLink{Type: jira.IssueLinkType{Name: lt}, InwardIssue: &jira.Issue{Key: key}, OutwardIssue: &jira.Issue{Key: inc.Ticket.Key}}
	resp, err := b.client.Issue.AddLinkWithContext(ctx, link)
	if err != nil && resp != nil && resp.StatusCode == 404 {
		return incident.Errorf(incident.KindPermanent, "link %s to %s: Jira has no issue link type %q (or no issue %s): set tickets.jira.followups.link_type to one of its link types (Relates, Blocks, ...)",
			key, inc.Ticket.Key, lt, inc.Ticket.Key)
	}
	return classify(fmt.Sprintf("link %s to %s with %q", key, inc.Ticket.Key, lt), resp, err)
}

// hasLink reports whether links hold one of type lt to the issue other.
func hasLink(links []*jira.IssueLink, lt, other string) bool {
	for _, l := range links {
		if l == nil || !strings.EqualFold(l.Type.Name, lt) {
			continue
		}
		for _, end := range []*jira.Issue{l.InwardIssue, l.OutwardIssue} {
			if end != nil && end.Key == other {
				return true
			}
		}
	}
	return false
}

func (b *Backend) followupDescription(inc *incident.Incident, f incident.Followup) string {
	return fmt.Sprintf("Follow-up of %s (%s), recorded by %s on %s.\n\n%s\n\nIncident: %s/incidents/%s",
		inc.Key, inc.Title, f.Actor, f.CreatedAt.UTC().Format("2006-01-02 15:04 MST"), f.Text, b.cfg.PublicURL, inc.Key)
}

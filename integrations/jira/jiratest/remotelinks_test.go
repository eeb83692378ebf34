package jiratest_test

import (
	"net/http"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func TestRemoteLinks(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	link := func(title string) *jira.RemoteLink {
		return &jira.RemoteLink{
			GlobalID:     "incident-service:channel:inc-42",
			Application:  &jira.RemoteLinkApplication{Type: "com.example.incident", Name: "Incident chat"},
			Relationship: "discussed in",
			Object:       &jira.RemoteLinkObject{URL: "https://chat.example.com/acme/channels/inc-42", Title: title},
		}
	}
	tests := []struct {
		name   string
		link   *jira.RemoteLink
		status int
	}{
		{"new", link("#inc-42"), http.StatusCreated},
		{"same globalId updates", link("#inc-42 (archived)"), http.StatusOK},
		{"missing title", &jira.RemoteLink{Object: &jira.RemoteLinkObject{URL: "https://x"}}, http.StatusBadRequest},
		{"missing object", &jira.RemoteLink{GlobalID: "g"}, http.StatusBadRequest},
	}
	var firstID int
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, resp, err := c.Issue.AddRemoteLink(key, tt.link)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%v), want %d", resp.StatusCode, err, tt.status)
			}
			if tt.status == http.StatusBadRequest {
				if je := jiraError(t, err); len(je.Errors) == 0 {
					t.Errorf("400 without errors")
				}
				return
			}
			if firstID == 0 {
				firstID = got.ID
			}
			if got.ID != firstID || got.Self == "" {
				t.Errorf("link %+v, want id %d", got, firstID)
			}
		})
	}
	links, _, err := c.Issue.GetRemoteLinks(key)
	must(t, err)
	if len(*links) != 1 || (*links)[0].Object.Title != "#inc-42 (archived)" {
		t.Errorf("links = %+v", *links)
	}
	if v := srv.Issue(key); len(v.RemoteLinks) != 1 || v.RemoteLinks[0].GlobalID != "incident-service:channel:inc-42" {
		t.Errorf("view links = %+v", v.RemoteLinks)
	}
}

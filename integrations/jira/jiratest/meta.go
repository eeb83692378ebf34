package jiratest

import (
	"net/http"
)

// Version is the Jira Data Center version the fake claims to be.
const Version = "9.12.0"

// myself is GET /rest/api/2/myself: the logged-in user.
func (s *Server) myself(w http.ResponseWriter, _ *http.Request, user string) {
	u := s.userJSON(user).(map[string]any)
	u["locale"] = "en_US"
	u["groups"] = map[string]any{"size": 1, "items": []any{}}
	u["applicationRoles"] = map[string]any{"size": 1, "items": []any{}}
	u["expand"] = "groups,applicationRoles"
	writeJSON(w, http.StatusOK, u)
}

// serverInfo is GET /rest/api/2/serverInfo. Like Jira it answers without
// credentials, so it shows that Jira is up, not that the login works.
func (s *Server) serverInfo(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, map[string]any{
		"baseUrl":        s.base,
		"version":        Version,
		"versionNumbers": []int{9, 12, 0},
		"deploymentType": "Server",
		"buildNumber":    9120000,
		"buildDate":      "2023-11-28T00:00:00.000+0000",
		"serverTime":     jtime(s.now()),
		"scmInfo":        "fake",
		"serverTitle":    "Jira (jiratest)",
	})
}

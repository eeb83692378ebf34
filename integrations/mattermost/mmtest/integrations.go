package mmtest

import (
	"net/http"
	"testing"
)

// CreateSlashCommand registers, as the admin, a custom slash command /trigger in the team
// that Mattermost POSTs (as a form) to url, and returns the command's token, which
// Mattermost sends with each request (form field token, header "Authorization: Token").
func (s *Server) CreateSlashCommand(t testing.TB, trigger, url string) (commandToken string) {
	t.Helper()
	var cmd struct {
		Token string `json:"token"`
	}
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/commands", map[string]any{
		"team_id":      s.TeamID,
		"trigger":      trigger,
		"method":       "P",
		"url":          url,
		"display_name": trigger,
	}, &cmd, http.StatusCreated)
	if cmd.Token == "" {
		t.Fatalf("mmtest: creating the slash command /%s returned no token", trigger)
	}
	return cmd.Token
}

// ExecuteCommand runs command (e.g. "/incident ack") in channelID as the user holding
// userToken, through POST /api/v4/commands/execute, and returns the HTTP status.
// Mattermost calls the command's service before answering; 200 means the service
// answered 200 too.
func (s *Server) ExecuteCommand(t testing.TB, userToken, channelID, command string) int {
	t.Helper()
	return s.Do(t, userToken, http.MethodPost, "/api/v4/commands/execute",
		map[string]any{"channel_id": channelID, "team_id": s.TeamID, "command": command}, nil)
}

// ClickButton clicks the interactive button actionID of post postID as the user holding
// userToken, through POST /api/v4/posts/{post_id}/actions/{action_id}, and returns the
// HTTP status. Mattermost calls the button's integration URL before answering; 200 means
// that service answered 200 too.
func (s *Server) ClickButton(t testing.TB, userToken, postID, actionID string) int {
	t.Helper()
	return s.Do(t, userToken, http.MethodPost, "/api/v4/posts/"+postID+"/actions/"+actionID,
		map[string]any{}, nil)
}

// RemoveBotFromTeam removes the bot from the team, as the admin.
func (s *Server) RemoveBotFromTeam(t testing.TB) {
	t.Helper()
	s.must(t, s.AdminToken, http.MethodDelete, "/api/v4/teams/"+s.TeamID+"/members/"+s.BotUserID,
		nil, nil, http.StatusOK)
}

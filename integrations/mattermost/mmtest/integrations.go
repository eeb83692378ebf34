package mmtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
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

// AddBotToTeam puts the bot back into the team, as the admin.
func (s *Server) AddBotToTeam(t testing.TB) {
	t.Helper()
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/teams/"+s.TeamID+"/members",
		map[string]string{"team_id": s.TeamID, "user_id": s.BotUserID}, nil, http.StatusCreated)
}

// UploadFile uploads data as a file into a channel as the holder of token
// (the raw-body variant of POST /api/v4/files) and returns the file's id, to
// attach to a post with file_ids.
func (s *Server) UploadFile(t testing.TB, token, channelID, name string, data []byte) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/v4/files?channel_id="+url.QueryEscape(channelID)+
		"&filename="+url.QueryEscape(name), bytes.NewReader(data))
	if err != nil {
		t.Fatalf("mmtest: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("mmtest: upload %s: %v", name, err)
	}
	defer resp.Body.Close()
	var out struct {
		FileInfos []struct {
			ID string `json:"id"`
		} `json:"file_infos"`
	}
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("mmtest: upload %s answered %d: %s", name, resp.StatusCode, snippet(b))
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.FileInfos) != 1 {
		t.Fatalf("mmtest: upload %s: unexpected answer (%v)", name, err)
	}
	return out.FileInfos[0].ID
}

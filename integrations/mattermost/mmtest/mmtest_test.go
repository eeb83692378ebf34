package mmtest

import (
	"net/http"
	"testing"
	"time"
)

func TestServer(t *testing.T) {
	start := time.Now()
	srv := Start(t)
	t.Logf("Start took %v", time.Since(start).Round(time.Millisecond))

	for name, v := range map[string]string{
		"URL": srv.URL, "AdminToken": srv.AdminToken, "TeamID": srv.TeamID, "BotUserID": srv.BotUserID,
		"BotToken": srv.BotToken, "User.ID": srv.User.ID, "User.Token": srv.User.Token,
	} {
		if v == "" {
			t.Errorf("Server.%s is empty", name)
		}
	}
	if srv.TeamName != "ops" || srv.User.Username != "alice" {
		t.Errorf("team %q, user %q; want ops, alice", srv.TeamName, srv.User.Username)
	}

	t.Run("bot posts in its channel", func(t *testing.T) {
		var ch struct {
			ID string `json:"id"`
		}
		if st := srv.Do(t, srv.BotToken, "POST", "/api/v4/channels", map[string]any{
			"team_id": srv.TeamID, "name": "inc-1", "display_name": "INC 1", "type": "O",
		}, &ch); st != http.StatusCreated {
			t.Fatalf("create channel: status %d", st)
		}
		// The creator is a member already; joining again is accepted and harmless.
		if st := srv.Do(t, srv.BotToken, "POST", "/api/v4/channels/"+ch.ID+"/members",
			map[string]any{"user_id": srv.BotUserID}, nil); st != http.StatusCreated {
			t.Fatalf("join channel: status %d", st)
		}
		const text = "INC-1 opened: database latency"
		if st := srv.Do(t, srv.BotToken, "POST", "/api/v4/posts",
			map[string]any{"channel_id": ch.ID, "message": text}, nil); st != http.StatusCreated {
			t.Fatalf("post: status %d", st)
		}
		var list struct {
			Order []string `json:"order"`
			Posts map[string]struct {
				Message string `json:"message"`
				UserID  string `json:"user_id"`
			} `json:"posts"`
		}
		path := "/api/v4/channels/" + ch.ID + "/posts?page=0&per_page=200"
		if st := srv.Do(t, srv.BotToken, "GET", path, nil, &list); st != http.StatusOK {
			t.Fatalf("read posts: status %d", st)
		}
		found := false
		for _, id := range list.Order {
			if p := list.Posts[id]; p.Message == text && p.UserID == srv.BotUserID {
				found = true
			}
		}
		if !found {
			t.Fatalf("message %q from the bot not in the channel history: %+v", text, list)
		}

		// On 9.9 a team member who has not joined a public channel cannot read its posts.
		if st := srv.Do(t, srv.User.Token, "GET", path, nil, nil); st != http.StatusForbidden {
			t.Errorf("alice reading before joining: status %d, want 403", st)
		}
		if st := srv.Do(t, srv.User.Token, "POST", "/api/v4/channels/"+ch.ID+"/members",
			map[string]any{"user_id": srv.User.ID}, nil); st != http.StatusCreated {
			t.Fatalf("alice joins: status %d", st)
		}
		if st := srv.Do(t, srv.User.Token, "GET", path, nil, nil); st != http.StatusOK {
			t.Errorf("alice reading after joining: status %d, want 200", st)
		}
	})

	t.Run("slash command", func(t *testing.T) {
		if tok := srv.CreateSlashCommand(t, "incident", "http://127.0.0.1:1/slash"); len(tok) != 26 {
			t.Fatalf("command token %q, want 26 characters", tok)
		}
	})
}

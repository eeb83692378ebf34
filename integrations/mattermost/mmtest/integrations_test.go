package mmtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSlashCommandAndButton drives a loopback service through a real slash command and
// a real button click, as the user alice.
func TestSlashCommandAndButton(t *testing.T) {
	srv := Start(t)

	type slash struct{ token, text, userName string }
	slashes := make(chan slash, 1)
	clicks := make(chan map[string]any, 1)
	svc := httptest.NewServer(http.NewServeMux())
	defer svc.Close()
	mux := svc.Config.Handler.(*http.ServeMux)
	mux.HandleFunc("POST /slash", func(w http.ResponseWriter, r *http.Request) {
		slashes <- slash{r.PostFormValue("token"), r.PostFormValue("text"), r.PostFormValue("user_name")}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"response_type": "in_channel",
			"text":          "INC-7 opened",
			"props": map[string]any{"attachments": []any{map[string]any{
				"text": "INC-7",
				"actions": []any{map[string]any{
					"id": "ack", "name": "Acknowledge",
					"integration": map[string]any{"url": svc.URL + "/button", "context": map[string]any{"incident": "7"}},
				}},
			}}},
		})
	})
	mux.HandleFunc("POST /button", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		clicks <- body
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"update":{"message":"INC-7 acknowledged"}}`))
	})

	cmdToken := srv.CreateSlashCommand(t, "incident", svc.URL+"/slash")

	var ch struct {
		ID string `json:"id"`
	}
	if st := srv.Do(t, srv.BotToken, "POST", "/api/v4/channels", map[string]any{
		"team_id": srv.TeamID, "name": "inc-7", "display_name": "INC 7", "type": "O",
	}, &ch); st != http.StatusCreated {
		t.Fatalf("create channel: status %d", st)
	}
	if st := srv.Do(t, srv.User.Token, "POST", "/api/v4/channels/"+ch.ID+"/members",
		map[string]any{"user_id": srv.User.ID}, nil); st != http.StatusCreated {
		t.Fatalf("alice joins: status %d", st)
	}

	if st := srv.ExecuteCommand(t, srv.User.Token, ch.ID, "/incident open db latency"); st != http.StatusOK {
		t.Fatalf("execute command: status %d", st)
	}
	select {
	case got := <-slashes:
		if got.token != cmdToken || got.text != "open db latency" || got.userName != "alice" {
			t.Fatalf("service got %+v, want token %s, text %q, user alice", got, cmdToken, "open db latency")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slash command never reached the service")
	}

	var list struct {
		Order []string `json:"order"`
		Posts map[string]struct {
			ID      string `json:"id"`
			Message string `json:"message"`
		} `json:"posts"`
	}
	path := "/api/v4/channels/" + ch.ID + "/posts"
	if st := srv.Do(t, srv.User.Token, "GET", path, nil, &list); st != http.StatusOK {
		t.Fatalf("read posts: status %d", st)
	}
	postID := ""
	for _, id := range list.Order {
		if list.Posts[id].Message == "INC-7 opened" {
			postID = id
		}
	}
	if postID == "" {
		t.Fatalf("the command's reply is not in the channel: %+v", list)
	}

	if st := srv.ClickButton(t, srv.User.Token, postID, "ack"); st != http.StatusOK {
		t.Fatalf("click: status %d", st)
	}
	select {
	case got := <-clicks:
		ctx, _ := got["context"].(map[string]any)
		if ctx["incident"] != "7" || got["user_name"] != "alice" || got["post_id"] != postID {
			t.Fatalf("service got %v", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the click never reached the service")
	}
	var post struct {
		Message string `json:"message"`
	}
	if st := srv.Do(t, srv.User.Token, "GET", "/api/v4/posts/"+postID, nil, &post); st != http.StatusOK || post.Message != "INC-7 acknowledged" {
		t.Fatalf("post after the click: status %d, message %q", st, post.Message)
	}

	srv.RemoveBotFromTeam(t)
	if st := srv.Do(t, srv.BotToken, "POST", "/api/v4/channels", map[string]any{
		"team_id": srv.TeamID, "name": "inc-8", "display_name": "INC 8", "type": "O",
	}, nil); st != http.StatusForbidden {
		t.Fatalf("bot creating a channel after leaving the team: status %d, want 403", st)
	}
}

// TestRateLimit checks that Options.RateLimit turns Mattermost's rate limiting on.
func TestRateLimit(t *testing.T) {
	srv := StartWith(t, Options{RateLimit: true, RateLimitPerSec: 2, RateLimitMaxBurst: 5})
	for i := range 20 {
		st := srv.Do(t, srv.BotToken, "GET", "/api/v4/users/me", nil, nil)
		if st == http.StatusTooManyRequests {
			t.Logf("429 after %d requests", i+1)
			return
		}
	}
	t.Fatal("20 quick requests were never rate limited")
}

package mmtest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// password is the password of every account the harness creates.
const password = "mmtest-Passw0rd!"

// bootstrap creates, through the REST API, the admin (the first user becomes system
// admin), the team "ops", the bot with an access token and the user "alice".
func (s *Server) bootstrap(t testing.TB) {
	t.Helper()
	s.Admin = s.NewUser(t, "admin", false)
	s.AdminToken = s.Admin.Token

	var team struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/teams",
		map[string]any{"name": "ops", "display_name": "Ops", "type": "O"}, &team, http.StatusCreated)
	s.TeamID, s.TeamName = team.ID, team.Name

	var bot struct {
		UserID   string `json:"user_id"`
		Username string `json:"username"`
	}
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/bots",
		map[string]any{"username": "warroom-bot", "display_name": "War Room"}, &bot, http.StatusCreated)
	s.BotUserID, s.BotUsername = bot.UserID, bot.Username

	var token struct {
		Token string `json:"token"`
	}
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/users/"+s.BotUserID+"/tokens",
		map[string]any{"description": "mmtest"}, &token, http.StatusOK)
	s.BotToken = token.Token
	s.addToTeam(t, s.BotUserID)

	s.User = s.NewUser(t, "alice", true)
}

// NewUser creates a human user (email <username>@example.com, not an admin) and logs
// them in. With joinTeam the user is also made a member of the team.
func (s *Server) NewUser(t testing.TB, username string, joinTeam bool) User {
	t.Helper()
	u := User{Username: username, Password: password}
	var created struct {
		ID string `json:"id"`
	}
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/users",
		map[string]any{"email": username + "@example.com", "username": username, "password": password},
		&created, http.StatusCreated)
	u.ID = created.ID

	r := s.must(t, "", http.MethodPost, "/api/v4/users/login",
		map[string]any{"login_id": username, "password": password}, nil, http.StatusOK)
	if u.Token = r.header.Get("Token"); u.Token == "" {
		t.Fatalf("mmtest: logging in %s gave no Token header", username)
	}
	if joinTeam {
		s.addToTeam(t, u.ID)
	}
	return u
}

// addToTeam makes userID a member of the team.
func (s *Server) addToTeam(t testing.TB, userID string) {
	t.Helper()
	s.must(t, s.AdminToken, http.MethodPost, "/api/v4/teams/"+s.TeamID+"/members",
		map[string]any{"team_id": s.TeamID, "user_id": userID}, nil, http.StatusCreated)
}

// NewUsers creates n human users named prefix1 ... prefixN, not logged in
// (so they have no Token: cheaper than NewUser for the many people a
// routing rule may name), and makes them members of the team in one
// request. It returns their usernames and IDs in order.
func (s *Server) NewUsers(t testing.TB, prefix string, n int) (usernames, ids []string) {
	t.Helper()
	var members []map[string]string
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("%s%d", prefix, i)
		var created struct {
			ID string `json:"id"`
		}
		s.must(t, s.AdminToken, http.MethodPost, "/api/v4/users",
			map[string]any{"email": name + "@example.com", "username": name, "password": password},
			&created, http.StatusCreated)
		usernames, ids = append(usernames, name), append(ids, created.ID)
		members = append(members, map[string]string{"team_id": s.TeamID, "user_id": created.ID})
	}
	for part := range slices.Chunk(members, 100) {
		s.must(t, s.AdminToken, http.MethodPost, "/api/v4/teams/"+s.TeamID+"/members/batch", part, nil, http.StatusCreated)
	}
	return usernames, ids
}

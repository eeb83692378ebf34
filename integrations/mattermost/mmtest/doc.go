// Package mmtest runs a real Mattermost 9.9 server, backed by a throwaway PostgreSQL 15
// cluster, for end-to-end tests.
//
// Start (or StartWith) builds Mattermost once into a cache through .ci/mattermost.sh,
// starts PostgreSQL and Mattermost on free loopback ports, bootstraps an admin, a team
// named "ops", a bot with an access token and a second user "alice" through the REST
// API, and stops everything when the test ends:
//
//	srv := mmtest.Start(t)
//	var ch struct{ ID string `json:"id"` }
//	srv.Do(t, srv.BotToken, "POST", "/api/v4/channels",
//		map[string]any{"team_id": srv.TeamID, "name": "inc-1", "display_name": "INC 1", "type": "O"}, &ch)
//
// When the machine cannot run the server (no PostgreSQL 15 and no root to install it,
// not Linux, ...) the test is skipped, or fails when the environment variable CI is "true".
//
// StartPostgres starts just a throwaway PostgreSQL cluster.
//
// The cache lives in $WARROOM_CACHE, default $HOME/.cache/warroom. See
// /work/shared/notes/real-mattermost.md for how the build and configuration were found.
package mmtest

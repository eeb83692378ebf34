package main

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/icinga2/icingatest"
	"github.com/warroom/warroom/integrations/jira/jiratest"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
	"github.com/warroom/warroom/integrations/prometheus/promtest"
	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// probeOutput runs check-config -probe with env and checks its exit code
// and that its output holds each of want.
func probeOutput(t *testing.T, env []string, wantCode int, want []string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"check-config", "-probe"}, env, &out, &errOut)
	if code != wantCode {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, wantCode, out.String(), errOut.String())
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w+"\n") {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}

// check-config -probe tries each configured peer and says, one line each,
// whether it was reached and what to do; a peer not reached or refusing
// the credentials makes the exit code 1.
func TestCheckConfigProbe(t *testing.T) {
	j := jiratest.New(t, jiratest.Options{})
	rc := rctest.New(t, rctest.Options{})
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + closed.Addr().String()
	closed.Close() // nothing listens there now: connection refused
	jiraEnv := []string{"WARROOM_TICKETS_BACKEND=jira", "WARROOM_TICKETS_JIRA_URL=" + j.URL(), "WARROOM_TICKETS_JIRA_USER=" + j.Options().User,
		"WARROOM_TICKETS_JIRA_PROJECT=OPS"}
	bot := rc.Bot()
	rcEnv := []string{"WARROOM_CHAT_BACKEND=rocketchat", "WARROOM_CHAT_ROCKETCHAT_URL=" + rc.URL(), "WARROOM_CHAT_ROCKETCHAT_USER_ID=" + bot.ID,
		"WARROOM_CHAT_ROCKETCHAT_TOKEN=" + bot.Token, "WARROOM_CHAT_ROCKETCHAT_WEBHOOK_TOKEN=rc-hook-token-1"}
	tests := []struct {
		name     string
		env      []string
		wantCode int
		want     []string
	}{
		{"nothing to probe", nil, 0, []string{"probe: no outside peer is configured (builtin chat and tickets need none)"}},
		{"reached with credentials", append(append([]string{"WARROOM_TICKETS_JIRA_TOKEN=" + j.Options().Token}, jiraEnv...), rcEnv...), 0, []string{
			"probe chat.rocketchat: reached " + rc.URL() + "/api/v1/me, credentials accepted (HTTP 200)",
			"probe tickets.jira: reached " + j.URL() + "/rest/api/2/myself, credentials accepted (HTTP 200)",
			"probe: all 2 peers reached",
		}},
		{"credentials refused", append([]string{"WARROOM_TICKETS_JIRA_TOKEN=wrong-token-1"}, jiraEnv...), 1, []string{
			"probe tickets.jira: reached, but " + j.URL() + "/rest/api/2/myself refused the credentials (HTTP 401); check tickets.jira.user and .token",
			"probe: 1 of 1 peers not usable; fix what the lines above say, then run check-config -probe again",
		}},
		{"not reached", []string{"WARROOM_PROMETHEUS_URL=" + deadURL}, 1, []string{
			"probe prometheus: not reached (GET " + deadURL + "/-/healthy: dial tcp " + closed.Addr().String() + ": connect: connection refused); " +
				"check prometheus.url and that this machine can reach it (DNS, firewall, proxy)",
			"probe: 1 of 1 peers not usable; fix what the lines above say, then run check-config -probe again",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probeOutput(t, tt.env, tt.wantCode, tt.want)
		})
	}
}

// The probe against a real Mattermost 9.9: the bot's token is accepted; a
// wrong one is refused, with the key to fix.
func TestCheckConfigProbeMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	env := func(token string) []string {
		return []string{"WARROOM_CHAT_BACKEND=mattermost", "WARROOM_CHAT_MATTERMOST_URL=" + mm.URL, "WARROOM_CHAT_MATTERMOST_TOKEN=" + token,
			"WARROOM_CHAT_MATTERMOST_TEAM=" + mm.TeamName, "WARROOM_CHAT_MATTERMOST_COMMAND_TOKEN=command-token-x1"}
	}
	probeOutput(t, env(mm.BotToken), 0, []string{
		"probe chat.mattermost: reached " + mm.URL + "/api/v4/users/me, credentials accepted (HTTP 200)",
		"probe: all 1 peers reached",
	})
	probeOutput(t, env("wrongtoken1234567890abcdef"), 1, []string{
		"probe chat.mattermost: reached, but " + mm.URL + "/api/v4/users/me refused the credentials (HTTP 401); check chat.mattermost.token",
	})
}

// The probe against a real Icinga 2 (its API on TLS with its own CA) and a
// real Prometheus: both reached; a wrong Icinga password is refused.
func TestCheckConfigProbeIcinga2AndPrometheus(t *testing.T) {
	ic := icingatest.Start(t)
	prom := promtest.Start(t)
	env := func(password string) []string {
		return []string{"WARROOM_SOURCES_ICINGA2_URL=" + ic.URL, "WARROOM_SOURCES_ICINGA2_USER=" + ic.User,
			"WARROOM_SOURCES_ICINGA2_PASSWORD=" + password, "WARROOM_SOURCES_ICINGA2_CA_FILE=" + ic.CAFile,
			"WARROOM_PROMETHEUS_URL=" + prom.URL}
	}
	probeOutput(t, env(ic.Password), 0, []string{
		"probe sources.icinga2: reached " + ic.URL + "/v1, credentials accepted (HTTP 200)",
		"probe prometheus: reached " + prom.URL + "/-/healthy (HTTP 200)",
		"probe: all 2 peers reached",
	})
	probeOutput(t, env("wrong-password-1"), 1, []string{
		"probe sources.icinga2: reached, but " + ic.URL + "/v1 refused the credentials (HTTP 401); check sources.icinga2.user and .password",
	})
}

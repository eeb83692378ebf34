package web

import (
	"net/http"
	"testing"

	"github.com/warroom/warroom/incident"
)

func TestAPICommands(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		reply incident.Reply
		code  int
		kind  incident.Kind
		says  string
		want  *call // the RunCommand call, nil when refused before it
	}{
		{"a command runs as the actor, about the path's incident", `{"actor":"alice","text":"status rolling back"}`,
			incident.Reply{Text: "Status update recorded."}, http.StatusOK, "", "Status update recorded.",
			&call{Method: "RunCommand", Key: "/", Actor: "alice", Text: "status rolling back",
				Arg: incident.CommandRequest{Actor: "alice", Text: "status rolling back", IncidentKey: "INC-1"}}},
		{"the actor defaults to api", `{"text":"ack"}`,
			incident.Reply{Text: "INC-1 acknowledged by @api."}, http.StatusOK, "", "acknowledged",
			&call{Method: "RunCommand", Key: "/", Actor: "api", Text: "ack",
				Arg: incident.CommandRequest{Actor: "api", Text: "ack", IncidentKey: "INC-1"}}},
		{"a conflict answers 409 with the reply", `{"text":"ack"}`,
			incident.Reply{Text: "INC-1 is already acked", Failed: true, Kind: incident.KindConflict}, http.StatusConflict, incident.KindConflict, "already acked",
			&call{Method: "RunCommand", Key: "/", Actor: "api", Text: "ack",
				Arg: incident.CommandRequest{Actor: "api", Text: "ack", IncidentKey: "INC-1"}}},
		{"a failed reply without a kind is a 400", `{"text":"graph up"}`,
			incident.Reply{Text: "Graphs are off", Failed: true}, http.StatusBadRequest, incident.KindInvalid, "Graphs are off",
			&call{Method: "RunCommand", Key: "/", Actor: "api", Text: "graph up",
				Arg: incident.CommandRequest{Actor: "api", Text: "graph up", IncidentKey: "INC-1"}}},
		{"no text", `{"actor":"alice"}`, incident.Reply{}, http.StatusBadRequest, incident.KindInvalid, `"text" is required`, nil},
		{"an unknown field", `{"command":"ack"}`, incident.Reply{}, http.StatusBadRequest, incident.KindInvalid, `unknown field "command"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			seed(x)
			x.svc.reply = tt.reply
			w := x.api("POST", "/api/v1/incidents/INC-1/commands", tt.body)
			if tt.code == http.StatusOK {
				wantStatus(t, w, http.StatusOK)
				if got := decode[commandReply](t, w); got.Reply != tt.reply.Text {
					t.Errorf("reply %q, want %q", got.Reply, tt.reply.Text)
				}
			} else {
				wantError(t, w, tt.code, tt.kind, tt.says)
			}
			if tt.want == nil {
				wantCalls(t, x.svc)
			} else {
				wantCalls(t, x.svc, *tt.want)
			}
		})
	}
}

func TestAPICommandsRefusesABadKey(t *testing.T) {
	x := newHarness(t, Config{})
	wantError(t, x.api("POST", "/api/v1/incidents/nope/commands", `{"text":"ack"}`), http.StatusBadRequest, incident.KindInvalid, `"nope" is not an incident key`)
	wantCalls(t, x.svc)
}

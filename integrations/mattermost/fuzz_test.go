package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
)

// commandCheck is a Commands that fails the test on a request the Service
// could not attribute.
type commandCheck struct{ t *testing.T }

func (c commandCheck) RunCommand(_ context.Context, req incident.CommandRequest) (incident.Reply, error) {
	if req.Backend != Name || req.ChannelID == "" || req.Actor == "" {
		c.t.Fatalf("command without a channel or an actor: %+v", req)
	}
	return incident.Reply{Text: "ok"}, nil
}

// fuzzBackend is a Backend whose Mattermost answers every user lookup with
// 404, so a callback without user_name ends in an error, not a hang.
func fuzzBackend(f *testing.F) *Backend {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"id":"app.user.missing_account.const","message":"Unable to find the user.","status_code":404}`))
	}))
	f.Cleanup(srv.Close)
	b, err := New(Config{URL: srv.URL, Token: "bot", Team: "ops", CommandToken: "zwjagmqap3nrprtidbe9idc31w",
		ActionSecret: "fuzz-secret"}, slog.New(slog.DiscardHandler), srv.Client())
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func checkAnswer(t *testing.T, out any, err error) {
	t.Helper()
	if err != nil {
		if k := incident.ErrorKind(err); (k != incident.KindInvalid && k != incident.KindUnauthorized && k != incident.KindNotFound) ||
			strings.TrimSpace(err.Error()) == "" {
			t.Fatalf("error %v (kind %v): want a 4xx error that says what is wrong", err, k)
		}
		return
	}
	if out == nil {
		t.Fatal("no answer and no error")
	}
}

// FuzzCommand feeds bodies to the slash command endpoint (with the right
// token in the header): each is answered or refused with a 4xx error;
// nothing panics.
func FuzzCommand(f *testing.F) {
	rec, err := os.ReadFile("testdata/mattermost-9.9-slash-command.form")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(rec)
	f.Add([]byte("channel_id=c&user_name=u&text=status+%5Bx%5D(%26%23106%3Bavascript%3Aalert(1))"))
	f.Add([]byte("channel_id=c&user_name=&text=ack"))
	f.Add([]byte("%zz=1"))
	b := fuzzBackend(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", CommandPath, bytes.NewReader(body))
		req.Header.Set("Authorization", "Token zwjagmqap3nrprtidbe9idc31w")
		out, err := b.HandleCommand(commandCheck{t})(context.Background(), req, body)
		checkAnswer(t, out, err)
	})
}

// FuzzAction feeds button callbacks. The seeds carry a valid signature for
// their action and channel, so mutations of the other fields get past the
// check; each body is answered or refused with a 4xx error; nothing panics.
func FuzzAction(f *testing.F) {
	b := fuzzBackend(f)
	rec, err := os.ReadFile("testdata/mattermost-9.9-button-action.json")
	if err != nil {
		f.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(rec, &m); err != nil {
		f.Fatal(err)
	}
	channel := m["channel_id"].(string)
	for _, action := range []string{"ack", "resolve", "close fixed"} {
		m["context"] = map[string]any{"action": action, "channel_id": channel, "sig": b.signer.sign(action, channel)}
		signed, _ := json.Marshal(m)
		f.Add(signed)
	}
	delete(m, "user_name")
	noName, _ := json.Marshal(m)
	f.Add(noName)
	f.Add(rec)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", ActionPath, bytes.NewReader(body))
		out, err := b.HandleAction(commandCheck{t})(context.Background(), req, body)
		checkAnswer(t, out, err)
	})
}

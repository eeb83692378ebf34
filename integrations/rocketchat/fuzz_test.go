package rocketchat

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/fuzzseed"
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

// FuzzWebhook feeds bodies to the outgoing-webhook endpoint. The seeds are
// the recorded deliveries, with the configured token, so mutations get
// past the check; each body is answered or refused with a 4xx error;
// nothing panics.
func FuzzWebhook(f *testing.F) {
	fuzzseed.Files(f, "testdata/outgoing-*.json")
	f.Add([]byte(`{"token":"outgoing-token","channel_id":"","user_name":"bob","text":"!inc ack"}`))
	f.Add([]byte(`{"token":"outgoing-token","channel_id":"c","user_name":"bob","text":"!incident"}`))
	b, err := New(Config{URL: "https://chat.example", UserID: "bot-id", Token: "t", WebhookToken: "outgoing-token", Trigger: "!inc"},
		slog.New(slog.DiscardHandler), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", WebhookPath, bytes.NewReader(body))
		out, err := b.HandleWebhook(commandCheck{t})(context.Background(), req, body)
		if err != nil {
			if k := incident.ErrorKind(err); (k != incident.KindInvalid && k != incident.KindUnauthorized) || strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("error %v (kind %v): want a 4xx error that says what is wrong", err, k)
			}
			return
		}
		if _, ok := out.(reply); !ok {
			t.Fatalf("answer %#v: want a reply", out)
		}
	})
}

package alertmanager_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/alertmanager/amtest"
)

// TestSilencesAdoptAnEarlierAttempt: against a real Alertmanager, a
// second Create with the same marker (a retry after a lost answer) returns
// the silence the first made and makes none; Expire ends it and is done
// when repeated; a refused silence is KindInvalid.
func TestSilencesAdoptAnEarlierAttempt(t *testing.T) {
	am := amtest.Start(t, amtest.Options{WebhookURL: "http://127.0.0.1:9/hook"})
	c, err := alertmanager.NewSilences(alertmanager.Config{URL: am.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now().UTC()
	s := incident.Silence{Matchers: []incident.Matcher{{Name: "alertname", Value: "X", IsEqual: true}}, StartsAt: now, EndsAt: now.Add(time.Hour),
		CreatedBy: "alice", Comment: "INC-1 (warroom:INC-1/silence/1)", Marker: "warroom:INC-1/silence/1"}
	first, err := c.Create(ctx, s)
	if err != nil || first == "" {
		t.Fatalf("Create: %q, %v", first, err)
	}
	again, err := c.Create(ctx, s)
	if err != nil || again != first {
		t.Fatalf("retried Create: %q, %v; want the first silence %s", again, err, first)
	}
	s.Marker, s.Comment = "warroom:INC-1/silence/2", "INC-1 (warroom:INC-1/silence/2)"
	if other, err := c.Create(ctx, s); err != nil || other == first {
		t.Fatalf("another request's Create: %q, %v; want a new silence", other, err)
	}
	for range 2 {
		if err := c.Expire(ctx, first); err != nil {
			t.Fatalf("Expire: %v", err)
		}
	}
	s.Matchers, s.Marker = []incident.Matcher{{Name: "alertname", Value: ".*", IsRegex: true, IsEqual: true}}, "warroom:INC-1/silence/3"
	if _, err := c.Create(ctx, s); incident.ErrorKind(err) != incident.KindInvalid {
		t.Errorf("a silence matching everything: %v (kind %s), want Alertmanager's refusal as invalid", err, incident.ErrorKind(err))
	}
}

// TestSilencesAuth: the API token goes as a bearer token, or the user and
// password as basic auth; both at once are refused.
func TestSilencesAuth(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	for _, cfg := range []alertmanager.Config{{URL: srv.URL, APIToken: "tok"}, {URL: srv.URL, APIUser: "am", APIPassword: "pw"}, {URL: srv.URL}} {
		c, err := alertmanager.NewSilences(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Expire(context.Background(), "x") // GET /api/v2/silence/x answers [] here: enough to see the header
	}
	want := []string{"Bearer tok", "Basic YW06cHc=", ""}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Authorization headers %q, want %q", got, want)
	}
	if _, err := alertmanager.NewSilences(alertmanager.Config{URL: srv.URL, APIToken: "t", APIUser: "u"}, nil); err == nil {
		t.Error("api_token with api_user accepted")
	}
	if _, err := alertmanager.NewSilences(alertmanager.Config{URL: "alertmanager:9093"}, nil); err == nil {
		t.Error("a URL without a scheme accepted")
	}
}

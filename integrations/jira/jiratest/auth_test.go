package jiratest_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuthentication(t *testing.T) {
	tests := []struct {
		name   string
		opts   jiratest.Options
		auth   string // Authorization header; "" sends none
		status int
	}{
		{"default bot credentials", jiratest.Options{}, basic("incident-bot", "incident-bot-token"), 200},
		{"no credentials", jiratest.Options{}, "", 401},
		{"wrong password", jiratest.Options{}, basic("incident-bot", "nope"), 401},
		{"wrong user", jiratest.Options{}, basic("someone", "incident-bot-token"), 401},
		{"configured basic", jiratest.Options{User: "svc", Token: "t0k"}, basic("svc", "t0k"), 200},
		{"PAT as bearer", jiratest.Options{PAT: "pat-123"}, "Bearer pat-123", 200},
		{"wrong PAT", jiratest.Options{PAT: "pat-123"}, "Bearer pat-999", 401},
		{"PAT only: basic refused", jiratest.Options{PAT: "pat-123"}, basic("incident-bot", "incident-bot-token"), 401},
		{"bearer when only basic is set", jiratest.Options{}, "Bearer incident-bot-token", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := jiratest.New(t, tt.opts)
			resp, body := call(t, srv, "GET", "/rest/api/2/myself", nil, map[string]string{"Authorization": tt.auth})
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if tt.status == http.StatusUnauthorized {
				if msgs, _ := errorBody(t, resp, body); len(msgs) == 0 {
					t.Errorf("401 without errorMessages")
				}
			}
		})
	}
}

func TestAuthenticationThroughGoJira(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{User: "svc", PAT: "pat-123", Token: "pw"})
	pat := jira.PATAuthTransport{Token: "pat-123"}
	c, err := jira.NewClient(pat.Client(), srv.URL())
	must(t, err)
	me, _, err := c.User.GetSelf()
	must(t, err)
	if me.Name != "svc" || me.Key == "" || me.DisplayName == "" {
		t.Errorf("myself = %+v", me)
	}

	anon, err := jira.NewClient(nil, srv.URL())
	must(t, err)
	_, resp, err := anon.User.GetSelf()
	if resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous: resp %v err %v, want 401", resp, err)
	}
	jiraError(t, err)
}

func TestCaptchaAfterFailedLogins(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{CaptchaAfter: 2})
	wrong := map[string]string{"Authorization": basic("incident-bot", "nope")}
	if resp, _ := call(t, srv, "GET", "/rest/api/2/myself", nil, wrong); resp.StatusCode != 401 {
		t.Fatalf("first failure: %d, want 401", resp.StatusCode)
	}
	resp, _ := call(t, srv, "GET", "/rest/api/2/myself", nil, wrong)
	if resp.StatusCode != 403 || resp.Header.Get("X-Seraph-LoginReason") != "AUTHENTICATION_DENIED" ||
		resp.Header.Get("X-Authentication-Denied-Reason") == "" {
		t.Fatalf("second failure: %d %v, want 403 CAPTCHA", resp.StatusCode, resp.Header)
	}
	// From now on even the right password is refused.
	if resp, _ := call(t, srv, "GET", "/rest/api/2/myself", nil, nil); resp.StatusCode != 403 {
		t.Errorf("right password after CAPTCHA: %d, want 403", resp.StatusCode)
	}
}

func TestServerInfoIsAnonymous(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	resp, body := call(t, srv, "GET", "/rest/api/2/serverInfo", nil, map[string]string{"Authorization": ""})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`"deploymentType":"Server"`, `"version":"9.12.0"`} {
		if !contains(body, want) {
			t.Errorf("serverInfo %s lacks %s", body, want)
		}
	}
	// /rest/api/latest is version 2.
	if resp, _ := call(t, srv, "GET", "/rest/api/latest/myself", nil, nil); resp.StatusCode != 200 {
		t.Errorf("/rest/api/latest/myself: %d", resp.StatusCode)
	}
}

package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// signIn posts the sign-in form with a fresh client and returns the
// response (cookie and Location).
func postSignIn(t *testing.T, h *harness, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", h.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirectClient(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func sessionCookieOf(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == "warroom_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %d %v", resp.StatusCode, resp.Header)
	return nil
}

// getWith fetches path with only the given cookie, as someone who copied it.
func getWith(t *testing.T, h *harness, path string, c *http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", h.URL+path, nil)
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirectClient(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func signedIn(resp *http.Response) bool {
	return resp.StatusCode == 200
}

var aliceForm = url.Values{"name": {"alice"}, "token": {testAPIToken}, "next": {"/incidents"}}

// Sessions live on the server: a random id per sign-in, gone at sign-out
// (a copied cookie stops working), gone when api.token changes, and the
// cookie is HttpOnly, SameSite and Secure whenever public_url is https.
func TestSessions(t *testing.T) {
	cfg := testConfig(t)
	h := startHarness(t, cfg)
	first, second := postSignIn(t, h, aliceForm), postSignIn(t, h, aliceForm)
	c1, c2 := sessionCookieOf(t, first), sessionCookieOf(t, second)
	if c1.Value == c2.Value || len(c1.Value) < 40 || strings.Contains(c1.Value, "alice") {
		t.Errorf("session ids %q and %q: want a new random id per sign-in, not the user name", c1.Value, c2.Value)
	}
	if !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode || c1.Secure {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, not Secure on http", c1)
	}
	if !signedIn(getWith(t, h, "/incidents", c1)) || !signedIn(getWith(t, h, "/incidents", c2)) {
		t.Fatal("a fresh session does not sign in")
	}

	// The cookie of the old scheme (name plus HMAC) and made-up ids sign nobody in.
	for _, forged := range []*http.Cookie{{Name: "warroom_user", Value: "alice"}, {Name: "warroom_session", Value: "alice"},
		{Name: "warroom_session", Value: strings.Repeat("A", 43)}} {
		if resp := getWith(t, h, "/incidents", forged); signedIn(resp) || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("cookie %s=%s: %d %s, want a redirect to sign in", forged.Name, forged.Value, resp.StatusCode, resp.Header.Get("Location"))
		}
	}

	// Sign out with the first session: a copy of its cookie no longer works;
	// the other session does.
	h.client.Jar.SetCookies(mustURL(t, h.URL), []*http.Cookie{c1})
	h.csrf = h.pageCSRF("/incidents")
	if code, _ := h.do("POST", "/logout", url.Values{}, nil); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	if signedIn(getWith(t, h, "/incidents", c1)) {
		t.Error("the copied cookie still works after sign-out")
	}
	if !signedIn(getWith(t, h, "/incidents", c2)) {
		t.Error("signing out one session ended another")
	}

	// A new api.token ends every session made under the old one.
	h.stop()
	cfg.API.Token = "another-api-token"
	h2 := startHarness(t, cfg)
	if signedIn(getWith(t, h2, "/incidents", c2)) {
		t.Error("a session made under the old api.token still works")
	}

	// public_url on https: the cookie is Secure.
	secure := testConfig(t)
	secure.PublicURL = "https://warroom.example.com"
	h3 := startHarness(t, secure)
	if c := sessionCookieOf(t, postSignIn(t, h3, aliceForm)); !c.Secure {
		t.Errorf("cookie %+v: want Secure with an https public_url", c)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// After sign-in, warroom redirects only to a path of its own.
func TestSignInRedirectsOnlyLocally(t *testing.T) {
	h := startHarness(t, testConfig(t))
	tests := []struct{ next, want string }{
		{"/incidents/INC-1", "/incidents/INC-1"},
		{"/channels/abc?reply=x#compose", "/channels/abc?reply=x#compose"},
		{"", "/incidents"},
		{"//evil.example/x", "/incidents"},
		{"/\t/evil.example/x", "/incidents"},
		{"/\n/evil.example/x", "/incidents"},
		{"/\r/evil.example/x", "/incidents"},
		{"/\\evil.example/x", "/incidents"},
		{"\\\\evil.example/x", "/incidents"},
		{"/x\\y", "/incidents"},
		{"https://evil.example/x", "/incidents"},
		{"javascript:alert(1)", "/incidents"},
		{"evil.example", "/incidents"},
		{" /x", "/incidents"},
		{"/\x00/evil.example", "/incidents"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			form := url.Values{"name": {"alice"}, "token": {testAPIToken}, "next": {tt.next}}
			resp := postSignIn(t, h, form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tt.want {
				t.Errorf("next=%q: %d Location %q, want %q", tt.next, resp.StatusCode, resp.Header.Get("Location"), tt.want)
			}
			// The sign-in page itself carries only a safe next.
			_, page := h.do("GET", "/login?next="+url.QueryEscape(tt.next), nil, nil)
			if tt.want == "/incidents" && tt.next != "" && strings.Contains(string(page), "evil.example") {
				t.Errorf("the sign-in page carries next=%q", tt.next)
			}
		})
	}
}

// Banners are warroom's own words: ?error= and ?notice= show nothing, and a
// message kept for the next page shows once.
func TestFlashNotFromURL(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.login("alice")
	planted := "Session expired, sign in again at http://evil.example"
	for _, path := range []string{"/incidents?error=" + url.QueryEscape(planted), "/incidents?notice=" + url.QueryEscape(planted),
		"/login?error=" + url.QueryEscape(planted), "/login?notice=" + url.QueryEscape(planted)} {
		code, page := h.do("GET", path, nil, nil)
		if code != 200 || strings.Contains(string(page), "evil.example") {
			t.Errorf("GET %s: %d, the page shows the planted text", path, code)
		}
	}
	// The sign-in page shows its fixed messages by code.
	if _, page := h.do("GET", "/login?error=token", nil, nil); !strings.Contains(string(page), "Wrong access token") {
		t.Error("/login?error=token does not say the token was wrong")
	}
	code, _ := h.do("POST", "/incidents", url.Values{"title": {"Checkout is slow"}, "severity": {"high"}}, nil)
	if code != http.StatusSeeOther {
		t.Fatalf("declare: %d", code)
	}
	if _, page := h.do("GET", "/incidents/INC-1", nil, nil); !strings.Contains(string(page), "INC-1 declared") {
		t.Error("the notice of the declare is not shown on the next page")
	}
	if _, page := h.do("GET", "/incidents/INC-1", nil, nil); strings.Contains(string(page), "INC-1 declared") {
		t.Error("the notice is shown twice")
	}
}

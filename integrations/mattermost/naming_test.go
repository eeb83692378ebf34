package mattermost

import (
	"regexp"
	"strings"
	"testing"
)

// valid is Mattermost's own channel-name rule (model.IsValidChannelIdentifier
// plus the length limit), restated here so the test checks against it.
var valid = regexp.MustCompile(`^[a-z0-9]+([a-z\-\_0-9]+|(__)?)[a-z0-9]*$`)

func checkValid(t *testing.T, name string) {
	t.Helper()
	switch {
	case !valid.MatchString(name):
		t.Errorf("%q breaks Mattermost's character rules", name)
	case len(name) > 64:
		t.Errorf("%q is %d bytes, over 64", name, len(name))
	case len(name) == 26:
		t.Errorf("%q is 26 bytes and would look like an ID", name)
	case hex40.MatchString(name) || dmLike.MatchString(name):
		t.Errorf("%q looks like a group or direct message channel", name)
	}
}

func TestChannelName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"inc-1-highlatency-p99-2s", "inc-1-highlatency-p99-2s"},
		{"INC-42 Checkout: 5xx > 10%", "inc-42-checkout-5xx-10"},
		{"--leading and trailing--", "leading-and-trailing"},
		{"__under_score__", "under_score"},
		{"dots.and spaces\tand/slashes", "dots-and-spaces-and-slashes"},
		{"Überlast im Rechenzentrum", "berlast-im-rechenzentrum"},
		{"ðŸ”¥ðŸ”¥", "incident"},
		{"", "incident"},
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz-i"},
		{strings.Repeat("g", 40), strings.Repeat("g", 40)},
		{strings.Repeat("a", 40), strings.Repeat("a", 40) + "-i"},
		{"0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567-i"},
		{strings.Repeat("a", 26) + "__" + strings.Repeat("b", 26), strings.Repeat("a", 26) + "__" + strings.Repeat("b", 26) + "-i"},
		{strings.Repeat("long-", 20), strings.TrimRight(strings.Repeat("long-", 13), "-")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := ChannelName(tt.in)
			if got != tt.want {
				t.Errorf("ChannelName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkValid(t, got)
		})
	}
}

func TestCandidates(t *testing.T) {
	for _, base := range []string{"inc-7-db", strings.Repeat("x", 64), strings.Repeat("y", 24), strings.Repeat("z", 62) + "-q"} {
		seen := map[string]bool{}
		for n := 1; n <= maxNameTries; n++ {
			c := candidate(base, n)
			checkValid(t, c)
			if seen[c] {
				t.Errorf("candidate %d of %q repeats %q", n, base, c)
			}
			seen[c] = true
		}
	}
	if got := candidate("inc-7-db", 3); got != "inc-7-db-3" {
		t.Errorf("candidate 3 = %q", got)
	}
}

func TestSigner(t *testing.T) {
	s := signer{key: []byte("k")}
	sig := s.sign("close", "chan1")
	tests := []struct {
		action, channel, sig string
		ok                   bool
	}{
		{"close", "chan1", sig, true},
		{"ack", "chan1", sig, false},
		{"close", "chan2", sig, false},
		{"close", "chan1", "", false},
		{"close", "chan1", strings.ToUpper(sig), false},
	}
	for _, tt := range tests {
		if got := s.verify(tt.action, tt.channel, tt.sig); got != tt.ok {
			t.Errorf("verify(%q, %q, %.8s…) = %v, want %v", tt.action, tt.channel, tt.sig, got, tt.ok)
		}
	}
	if (signer{key: []byte("other")}).verify("close", "chan1", sig) {
		t.Error("a signature made with another key verifies")
	}
}

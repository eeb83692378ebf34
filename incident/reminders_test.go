package incident

import (
	"strings"
	"testing"
	"time"
)

func TestFormatEvery(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                "less than a minute",
		30 * time.Minute:                "30m",
		31*time.Minute + 10*time.Second: "31m",
		time.Hour:                       "1h",
		90 * time.Minute:                "1h30m",
		10 * time.Hour:                  "10h",
		2*time.Hour + 20*time.Minute:    "2h20m",
	} {
		if got := formatEvery(d); got != want {
			t.Errorf("formatEvery(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestParseCockpitCommands(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    Command
		wantErr string
	}{
		{"/incident commander", Command{Name: "commander"}, ""},
		{"/incident commander @bob", Command{Name: "commander", Arg: "@bob"}, ""},
		{"/incident role", Command{Name: "role"}, ""},
		{"/incident role scribe @carol", Command{Name: "role", Arg: "scribe @carol"}, ""},
		{"/incident role scribe none", Command{Name: "role", Arg: "scribe none"}, ""},
		{"/incident reopen", Command{Name: "reopen"}, ""},
		{"/incident reopen the fix did not hold", Command{Name: "reopen", Arg: "the fix did not hold"}, ""},
		{"/incident title Checkout down in eu-west", Command{Name: "title", Arg: "Checkout down in eu-west"}, ""},
		{"/incident title", Command{}, "title needs an argument"},
	} {
		got, err := ParseCommand(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseCommand(%q) error = %v, want %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("ParseCommand(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

package incident

import (
	"strings"
	"testing"
)

func TestParseFollowupText(t *testing.T) {
	long := strings.Repeat("é", MaxFollowupText)
	tests := []struct {
		in, want, wantErr string
	}{
		{"add an alert on disk usage", "add an alert on disk usage", ""},
		{"  add   an alert\n on disk\tusage ", "add an alert on disk usage", ""},
		{long, long, ""},
		{"", "", "the follow-up is empty: write the action item"},
		{" \n\t ", "", "the follow-up is empty"},
		{long + "x", "", "at most 240 fit a ticket's summary"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFollowupText(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ErrorKind(err) != KindInvalid {
					t.Fatalf("ParseFollowupText(%q) = %q, %v; want an invalid error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseFollowupText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseFollowupID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"3", 3}, {"#3", 3}, {"F3", 3}, {"f12", 12}, {" #7 ", 7},
		{"", 0}, {"x", 0}, {"0", 0}, {"-1", 0}, {"#", 0}, {"3a", 0}, {"+3", 0}, {"03", 0}, {"99999999999999999999", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFollowupID(tt.in)
			if tt.want == 0 {
				if err == nil || ErrorKind(err) != KindInvalid || !strings.Contains(err.Error(), "/incident followups shows") {
					t.Fatalf("ParseFollowupID(%q) = %d, %v; want an invalid error saying what to type", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseFollowupID(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseFollowupCommands(t *testing.T) {
	tests := []struct {
		in      string
		want    Command
		wantErr string
	}{
		{"/incident followup add an alert on disk usage", Command{Name: "followup", Arg: "add an alert on disk usage"}, ""},
		{"/incident FOLLOWUP  rotate the keys ", Command{Name: "followup", Arg: "rotate the keys"}, ""},
		{"/incident followups", Command{Name: "followups"}, ""},
		{"/incident followup-done #3", Command{Name: "followup-done", Arg: "#3"}, ""},
		{"/incident followup-reopen 3", Command{Name: "followup-reopen", Arg: "3"}, ""},
		{"/incident followup", Command{}, "followup needs an argument: /incident followup <text>"},
		{"/incident followup-done", Command{}, "followup-done needs an argument: /incident followup-done <number>"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCommand(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCommand(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseCommand(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

package incident

import (
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in      string
		want    Command
		wantErr string
	}{
		{"", Command{Name: "help"}, ""},
		{"/incident", Command{Name: "help"}, ""},
		{"/incident help", Command{Name: "help"}, ""},
		{"ack", Command{Name: "ack"}, ""},
		{"/incident ACK", Command{Name: "ack"}, ""},
		{"!incident ack", Command{Name: "ack"}, ""},
		{"/incident status  rolled back, watching ", Command{Name: "status", Arg: "rolled back, watching"}, ""},
		{"severity critical", Command{Name: "severity", Arg: "critical"}, ""},
		{"note db failover done", Command{Name: "note", Arg: "db failover done"}, ""},
		{"close", Command{Name: "close"}, ""},
		{"close false alarm", Command{Name: "close", Arg: "false alarm"}, ""},
		{"resolve", Command{Name: "resolve"}, ""},
		{"status", Command{}, "status needs an argument"},
		{"severity", Command{}, "severity needs an argument"},
		{"/incident reboot", Command{}, `unknown command "reboot"`},
		{"/incidentack", Command{}, `unknown command "/incidentack"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCommand(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCommand(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				if ErrorKind(err) != KindInvalid {
					t.Errorf("kind = %s, want invalid", ErrorKind(err))
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseCommand(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	help := HelpText()
	for name := range theCommands().byName {
		if !strings.Contains(help, "/incident "+name) {
			t.Errorf("help does not mention %s", name)
		}
	}
}

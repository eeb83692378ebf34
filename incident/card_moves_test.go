package incident

import (
	"slices"
	"strings"
	"testing"
)

// TestCommandMove: the card's commands move to their status, others move
// none; the welcome card offers, in each status, the buttons whose move
// the status allows, read from the same table.
func TestCommandMove(t *testing.T) {
	for _, tt := range []struct {
		command string
		to      Status
		ok      bool
	}{
		{"ack", StatusAcked, true}, {"resolve", StatusResolved, true}, {"close", StatusClosed, true},
		{"reopen", StatusOpen, true}, {"severity", "", false}, {"", "", false},
	} {
		if to, ok := CommandMove(tt.command); to != tt.to || ok != tt.ok {
			t.Errorf("CommandMove(%q) = %q, %v; want %q, %v", tt.command, to, ok, tt.to, tt.ok)
		}
	}
	for status, want := range map[Status]string{
		StatusOpen: "ack,resolve,close", StatusAcked: "resolve,close", StatusResolved: "reopen,close", StatusClosed: "", StatusArchived: "",
	} {
		var got []string
		for _, a := range welcomeCard(&Incident{Key: "INC-1", Status: status, Severity: SeverityHigh}, "").Actions {
			got = append(got, a.Command)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s: card buttons %v, want %s", status, got, want)
		}
		for _, command := range []string{"ack", "resolve", "reopen", "close"} {
			offered, ok := CardOffers(status, command)
			if !ok || offered != slices.Contains(got, command) {
				t.Errorf("CardOffers(%s, %s) = %v, %v; the card offers %v", status, command, offered, ok, got)
			}
		}
	}
}

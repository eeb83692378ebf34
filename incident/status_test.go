package incident

import (
	"strings"
	"testing"
)

func TestTransitions(t *testing.T) {
	all := []Status{StatusOpen, StatusAcked, StatusResolved, StatusClosed, StatusArchived}
	legal := map[[2]Status]bool{
		{StatusOpen, StatusAcked}: true, {StatusOpen, StatusResolved}: true, {StatusOpen, StatusClosed}: true,
		{StatusAcked, StatusResolved}: true, {StatusAcked, StatusClosed}: true, {StatusAcked, StatusOpen}: true,
		{StatusResolved, StatusOpen}: true, {StatusResolved, StatusClosed}: true,
		{StatusClosed, StatusArchived}: true,
	}
	for _, from := range all {
		for _, to := range all {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				err := CheckMove("INC-1", from, to)
				if legal[[2]Status{from, to}] {
					if err != nil {
						t.Fatalf("legal move refused: %v", err)
					}
					return
				}
				if err == nil {
					t.Fatal("illegal move allowed")
				}
				if ErrorKind(err) != KindConflict {
					t.Errorf("kind = %s, want conflict", ErrorKind(err))
				}
				if !strings.Contains(err.Error(), "INC-1 is "+string(from)) {
					t.Errorf("message does not say where the incident is: %q", err)
				}
			})
		}
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"INC-42", 42, true}, {"inc-7", 7, true}, {"12", 12, true},
		{"INC-", 0, false}, {"INC-0", 0, false}, {"INC-x", 0, false}, {"", 0, false}, {"INC--3", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseKey(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseKey(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestErrorTextOnce(t *testing.T) {
	cause := Errorf(KindTransient, "dial tcp: connection refused")
	err := Errorf(KindTransient, "post to inc-1: %w", cause)
	if got := err.Error(); got != "post to inc-1: dial tcp: connection refused" {
		t.Errorf("Error() = %q: the cause must appear once", got)
	}
	if ErrorKind(err) != KindTransient || ErrorMessage(err) != err.Error() {
		t.Errorf("kind %s, message %q", ErrorKind(err), ErrorMessage(err))
	}
}

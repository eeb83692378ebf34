package archive

import (
	"errors"
	"strings"
	"testing"
)

func TestEachMessage(t *testing.T) {
	cases := []struct {
		name, doc string
		want      string // the messages read, or the error's words
		fails     bool
	}{
		{"the archive's shape", `{"incident":{"key":"INC-1","labels":{"a":"b"}},"timeline":[{"text":"x"}],` +
			`"messages":[{"id":"1","author":"alice","text":"hello"},{"id":"2","text":"bye","reactions":[{"emoji":"+1","users":["bob"]}]}],` +
			`"completeness":{"archived":2}}`, "1:hello 2:bye", false},
		{"messages first", `{"messages":[{"id":"3","text":"x"}],"incident":{}}`, "3:x", false},
		{"no messages", `{"incident":{}}`, "", false},
		{"empty list", `{"messages":[]}`, "", false},
		{"not an object", `[1,2]`, `where "{" belongs`, true},
		{"messages not a list", `{"messages":{"id":"1"}}`, `where "[" belongs`, true},
		{"cut short", `{"messages":[{"id":"1","text":"x"},{"id":`, "read transcript", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			err := EachMessage(strings.NewReader(c.doc), func(m Message) error {
				got = append(got, m.ID+":"+m.Text)
				return nil
			})
			if c.fails {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("err = %v, want one saying %q", err, c.want)
				}
				return
			}
			if err != nil || strings.Join(got, " ") != c.want {
				t.Errorf("read %q, %v; want %q", got, err, c.want)
			}
		})
	}
	stop := errors.New("stop")
	n := 0
	err := EachMessage(strings.NewReader(`{"messages":[{"id":"1"},{"id":"2"}]}`), func(Message) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error: %v after %d messages, want it returned after 1", err, n)
	}
}

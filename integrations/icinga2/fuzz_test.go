package icinga2

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
)

// checkRecorded fails t when a group or ack the handler passed on lacks
// what the Service needs.
func checkRecorded(t *testing.T, rec *recorder) {
	t.Helper()
	for _, g := range rec.groups {
		if g.DedupKey == "" || len(g.Alerts) != 1 || g.Source != Source {
			t.Fatalf("alert group without a key or an alert: %+v", g)
		}
		if err := g.Validate(); err != nil && incident.ErrorKind(err) != incident.KindInvalid {
			t.Fatalf("the Service would refuse the group with %v", err)
		}
	}
	for _, a := range rec.acks {
		if strings.HasSuffix(a, " by ") {
			t.Fatalf("ack without an author: %q", a)
		}
	}
}

func fuzzClient(f *testing.F) *Client {
	c, err := New(Config{URL: "https://icinga.example:5665", User: "warroom", Password: "p", Queue: "q"}, slog.New(slog.DiscardHandler))
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// FuzzEvent feeds lines of the event stream: a line is skipped with an
// error or applied; nothing panics.
func FuzzEvent(f *testing.F) {
	raw, err := os.ReadFile("testdata/icinga2-2.13-events.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f.Add(bytes.Clone(sc.Bytes()))
	}
	f.Add([]byte(`{"type":"AcknowledgementSet","host":"vm","service":"http","author":"","timestamp":1e300}`))
	f.Add([]byte(`{"type":"StateChange","host":"vm","state":1,"state_type":1,"check_result":null}`))
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := decodeEvent(line)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		_ = e.key()
		_ = e.at()
		rec := &recorder{}
		if err := c.handle(context.Background(), rec, e); err != nil {
			t.Fatalf("handle: %v", err)
		}
		checkRecorded(t, rec)
	})
}

// FuzzNotification feeds bodies to POST /hooks/icinga2: each is answered
// with a result or a KindInvalid error; nothing panics.
func FuzzNotification(f *testing.F) {
	for _, s := range []string{
		`{"host":"vm","service":"http","state":"CRITICAL","state_type":"HARD","output":"CRITICAL - 503","notification_type":"PROBLEM","author":"","timestamp":"1795359336"}`,
		`{"host":"vm","service":"http","state":"OK","state_type":"HARD","output":"OK","notification_type":"RECOVERY","timestamp":"1795359400"}`,
		`{"host":"vm","state":"DOWN","state_type":"1","notification_type":"PROBLEM"}`,
		`{"host":"vm","service":"http","notification_type":"ACKNOWLEDGEMENT","author":"alice"}`,
		`{"host":"vm","state":"7.5e300","notification_type":"CUSTOM","timestamp":"NaN"}`,
		`{"host":"vm","notification_type":"DOWNTIMESTART"}`,
		`{"host":""}`, `[]`, `not json`,
	} {
		f.Add([]byte(s))
	}
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := &recorder{}
		req := httptest.NewRequest("POST", HookPath, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		out, err := Hook{Token: "tok", LinkBase: c.cfg.URL}.Handle(rec)(context.Background(), req, body)
		if err != nil {
			if incident.ErrorKind(err) != incident.KindInvalid || strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("error %v (kind %v): want a KindInvalid error that says what is wrong", err, incident.ErrorKind(err))
			}
			return
		}
		if out == nil {
			t.Fatal("no answer and no error")
		}
		checkRecorded(t, rec)
	})
}

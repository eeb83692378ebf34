package icinga2

import (
	"bufio"
	"context"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
)

// recorder is a hand-written stand-in for the incident Service.
type recorder struct {
	groups []incident.AlertGroup
	acks   []string
}

func (r *recorder) IngestAlerts(ctx context.Context, g incident.AlertGroup) (incident.IngestResult, error) {
	r.groups = append(r.groups, g)
	return incident.IngestResult{}, nil
}

func (r *recorder) AckFromSource(ctx context.Context, source, key, actor string) error {
	r.acks = append(r.acks, key+" by "+actor)
	return nil
}

// List lists, as open incidents of Icinga 2, the objects whose last
// notification was firing, in the order they first fired.
func (r *recorder) List(ctx context.Context, f incident.Filter) ([]*incident.Incident, error) {
	var keys []string
	firing := map[string]bool{}
	for _, g := range r.groups {
		if !slices.Contains(keys, g.DedupKey) {
			keys = append(keys, g.DedupKey)
		}
		firing[g.DedupKey] = !g.AllResolved()
	}
	var out []*incident.Incident
	for _, k := range keys {
		if firing[k] && (f.Source == "" || f.Source == Source) {
			out = append(out, &incident.Incident{Source: Source, DedupKey: k, Status: incident.StatusOpen})
		}
	}
	return out[min(f.Offset, len(out)):], nil
}

// The recorded stream holds check results, SOFT state changes and one HARD
// recovery: only the recovery is passed on.
func TestRecordedStreamTakesHardChangesOnly(t *testing.T) {
	f, err := os.Open("testdata/icinga2-2.13-events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &Client{cfg: Config{URL: "https://icinga:5665"}}
	rec := &recorder{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		e, err := decodeEvent(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		n++
		if err := c.handle(context.Background(), rec, e); err != nil {
			t.Fatal(err)
		}
	}
	if n != 18 || len(rec.groups) != 1 || rec.groups[0].DedupKey != "vm!http" || rec.groups[0].Alerts[0].Firing {
		t.Errorf("%d events read, groups %+v; want only the HARD recovery of vm!http", n, rec.groups)
	}
}

func TestHardStateChange(t *testing.T) {
	line := `{"type":"StateChange","timestamp":1714644672.385,"host":"web1","service":"http","state":2.0,"state_type":1.0,
		"check_result":{"output":"HTTP CRITICAL - 503","state":2}}`
	e, err := decodeEvent([]byte(strings.ReplaceAll(line, "\n", "")))
	if err != nil {
		t.Fatal(err)
	}
	g := e.group("https://icinga:5665")
	if g.DedupKey != "web1!http" || g.Title != "http on web1" || g.Severity != incident.SeverityCritical ||
		!g.Alerts[0].Firing || g.Alerts[0].StartsAt.Unix() != 1714644672 || !strings.Contains(g.Summary, "CRITICAL: HTTP CRITICAL - 503") {
		t.Errorf("group = %+v", g)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestNotificationHook(t *testing.T) {
	tests := []struct {
		name, body, token, auth string
		wantErr                 incident.Kind
		groups, acks            int
		firing                  bool
	}{
		{"problem", `{"host":"web1","service":"http","state":"CRITICAL","state_type":"HARD","output":"503","notification_type":"PROBLEM","timestamp":"1714644672"}`, "", "", "", 1, 0, true},
		{"recovery", `{"host":"web1","service":"http","state":"OK","state_type":"HARD","notification_type":"RECOVERY"}`, "", "", "", 1, 0, false},
		{"soft", `{"host":"web1","service":"http","state":"CRITICAL","state_type":"SOFT","notification_type":"PROBLEM"}`, "", "", "", 0, 0, false},
		{"host down", `{"host":"db1","state":"DOWN","state_type":"HARD","notification_type":"PROBLEM"}`, "", "", "", 1, 0, true},
		{"ack", `{"host":"web1","service":"http","notification_type":"ACKNOWLEDGEMENT","author":"icingaadmin"}`, "", "", "", 0, 1, false},
		{"downtime", `{"host":"web1","service":"http","notification_type":"DOWNTIMESTART"}`, "", "", "", 0, 0, false},
		{"bad state", `{"host":"web1","service":"http","state":"ON FIRE","notification_type":"PROBLEM"}`, "", "", incident.KindInvalid, 0, 0, false},
		{"no host", `{"service":"http","state":"OK"}`, "", "", incident.KindInvalid, 0, 0, false},
		{"wrong token", `{"host":"web1","state":"DOWN","state_type":"HARD"}`, "t", "Bearer x", incident.KindUnauthorized, 0, 0, false},
		{"good token", `{"host":"web1","state":"DOWN","state_type":"HARD"}`, "t", "Bearer t", "", 1, 0, true},
		{"no token configured refuses", `{"host":"web1","state":"DOWN","state_type":"HARD"}`, "off", "Bearer ", incident.KindUnauthorized, 0, 0, false},
		{"no token configured, none sent", `{"host":"web1","state":"DOWN","state_type":"HARD"}`, "off", "", incident.KindUnauthorized, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			r := httptest.NewRequest("POST", HookPath, nil)
			switch tt.token {
			case "":
				tt.token, tt.auth = "t", "Bearer t"
			case "off":
				tt.token = ""
			}
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			_, err := Hook{Token: tt.token, LinkBase: "https://icinga:5665"}.Handle(rec)(context.Background(), r, []byte(tt.body))
			if tt.wantErr != "" {
				if incident.ErrorKind(err) != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.groups) != tt.groups || len(rec.acks) != tt.acks {
				t.Fatalf("groups %d, acks %d", len(rec.groups), len(rec.acks))
			}
			if tt.groups > 0 && rec.groups[0].Alerts[0].Firing != tt.firing {
				t.Errorf("firing = %v", rec.groups[0].Alerts[0].Firing)
			}
		})
	}
}

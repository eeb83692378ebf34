package generic

import (
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// FuzzDecode runs any body through a mapping that touches every field: it
// decodes (the same way every time, so repeats dedupe) or is refused with a
// KindInvalid error; nothing panics.
func FuzzDecode(f *testing.F) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	d, err := New(Mapping{Title: "{{.check}} on {{.host}}", Summary: "{{.output}}", Severity: "{{.level}}",
		DedupKey: "{{.host}}/{{.check}}", Resolved: `{{eq .state "ok"}}`, StartsAt: "{{.since}}",
		Labels: map[string]string{"host": "{{.host}}", "team": "{{.meta.team}}"},
		Links:  map[string]string{"Dashboard": "{{.url}}"}}, func() time.Time { return now })
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"check":"disk","host":"db-1","output":"92% used","level":"page","state":"alert","since":1795000000,"url":"https://d/x","meta":{"team":"dba"}}`,
		`{"check":"disk","host":"db-1","state":"ok","since":"2026-11-22T11:00:00Z"}`,
		`{"check":"c","host":"h","since":"yesterday"}`,
		`{"check":"c","host":"h","since":1e300}`,
		`{"check":"c","host":"h","state":1,"meta":"x"}`,
		`[1]`, `null`, `check=disk`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		g, err := d.Decode(body)
		if err != nil {
			if incident.ErrorKind(err) != incident.KindInvalid || err.Error() == "" {
				t.Fatalf("Decode error %v (kind %v): want a KindInvalid error that says what is wrong", err, incident.ErrorKind(err))
			}
			return
		}
		if err := g.Validate(); err != nil && incident.ErrorKind(err) != incident.KindInvalid {
			t.Fatalf("the Service would refuse the group with %v: want a KindInvalid error", err)
		}
		again, _ := d.Decode(body)
		if again.DedupKey != g.DedupKey || len(again.Alerts) != len(g.Alerts) {
			t.Fatalf("two decodes differ: %q/%d alerts, then %q/%d", g.DedupKey, len(g.Alerts), again.DedupKey, len(again.Alerts))
		}
		for i := range g.Alerts {
			if again.Alerts[i].Fingerprint != g.Alerts[i].Fingerprint {
				t.Fatalf("alert %d has fingerprint %q, then %q: repeats would not dedupe", i, g.Alerts[i].Fingerprint, again.Alerts[i].Fingerprint)
			}
		}
	})
}

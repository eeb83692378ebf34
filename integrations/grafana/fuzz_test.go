package grafana

import (
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/fuzzseed"
)

// FuzzDecode: any body either decodes (the same way every time, so repeats dedupe) or
// is refused with a KindInvalid error; nothing panics.
func FuzzDecode(f *testing.F) {
	fuzzseed.Files(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		g, err := Decode(body)
		if err != nil {
			if incident.ErrorKind(err) != incident.KindInvalid || err.Error() == "" {
				t.Fatalf("Decode error %v (kind %v): want a KindInvalid error that says what is wrong", err, incident.ErrorKind(err))
			}
			return
		}
		if err := g.Validate(); err != nil && incident.ErrorKind(err) != incident.KindInvalid {
			t.Fatalf("the Service would refuse the group with %v: want a KindInvalid error", err)
		}
		again, _ := Decode(body)
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

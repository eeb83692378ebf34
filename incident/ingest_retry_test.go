package incident_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// conflictingStore fails its first n transactions as a replica meeting an
// incident another replica opened meanwhile does (KindTransient), before
// any change is made.
type conflictingStore struct {
	incident.Store
	n int
}

func (s *conflictingStore) Update(ctx context.Context, fn func(incident.Tx) error) error {
	if s.n > 0 {
		s.n--
		return incident.Errorf(incident.KindTransient, "an open incident was opened meanwhile; try again to add to it")
	}
	return s.Store.Update(ctx, fn)
}

// TestIngestRetriesATransientConflict: a notification whose transaction
// meets a transient conflict is applied again, up to three tries, so the
// sender gets its answer instead of a 503; past that the error stands.
func TestIngestRetriesATransientConflict(t *testing.T) {
	tests := []struct {
		conflicts int
		wantErr   incident.Kind
	}{
		{0, ""},
		{1, ""},
		{2, ""},
		{3, incident.KindTransient},
	}
	for _, tt := range tests {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		svc := incident.NewService(incident.Deps{Store: &conflictingStore{Store: db, n: tt.conflicts}, Renderer: plainRenderer{}})
		res, err := svc.IngestAlerts(context.Background(), incident.AlertGroup{Source: "alertmanager", DedupKey: "g", Title: "db slow",
			Alerts: []incident.Alert{{Fingerprint: "f1", Firing: true}}})
		if (tt.wantErr == "") != (err == nil) || (err != nil && incident.ErrorKind(err) != tt.wantErr) {
			t.Errorf("%d conflicts: %v, want kind %q", tt.conflicts, err, tt.wantErr)
			continue
		}
		if tt.wantErr == "" && (!res.Created || res.Incident == nil || res.Incident.Key != "INC-1") {
			t.Errorf("%d conflicts: %+v, want INC-1 created", tt.conflicts, res)
		}
	}
}

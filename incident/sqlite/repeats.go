package sqlite

import (
	"context"
	"strings"

	"github.com/warroom/warroom/incident"
)

// LiveIncidentHolding reads the live incident of the dedup key and counts
// which of refs its timeline holds, in one statement and without a lock.
func (s *DB) LiveIncidentHolding(ctx context.Context, source, dedupKey string, refs []incident.EventRef) (*incident.Incident, bool, error) {
	held := "0"
	args := make([]any, 0, 2*len(refs)+2)
	if len(refs) > 0 {
		held = `(SELECT count(*) FROM events e WHERE e.incident_id = incidents.id AND e.ref IS NOT NULL AND (` +
			strings.TrimSuffix(strings.Repeat(`(e.kind = ? AND e.ref = ?) OR `, len(refs)), " OR ") + `))`
		for _, r := range refs {
			args = append(args, string(r.Kind), r.Ref)
		}
	}
	var n int
	inc, err := selectIncident(ctx, reader{s}, ", "+held, []any{&n}, activeByDedup, append(args, source, dedupKey)...)
	if err != nil {
		return nil, false, err
	}
	return inc, n == len(refs), nil
}

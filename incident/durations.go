package incident

import "time"

// Durations are how long an incident took to reach each point of its
// life, in whole seconds, nil until it gets there. They are measured from
// CreatedAt to the incident's current AckedAt, ResolvedAt and ClosedAt: a
// reopen clears the ack and the resolution, so after one the times to ack
// and to resolve count from the opening again, to the new ack and
// resolution. OpenFor runs until the close, or until now while it is not
// closed.
type Durations struct {
	ToAck     *int64 `json:"to_ack_seconds"`
	ToResolve *int64 `json:"to_resolve_seconds"`
	ToClose   *int64 `json:"to_close_seconds"`
	OpenFor   int64  `json:"open_for_seconds"`
}

// DurationsOf measures inc at now.
func DurationsOf(inc *Incident, now time.Time) Durations {
	since := func(t *time.Time) *int64 {
		if t == nil {
			return nil
		}
		n := seconds(t.Sub(inc.CreatedAt))
		return &n
	}
	end := now
	if inc.ClosedAt != nil {
		end = *inc.ClosedAt
	}
	return Durations{ToAck: since(inc.AckedAt), ToResolve: since(inc.ResolvedAt), ToClose: since(inc.ClosedAt),
		OpenFor: seconds(end.Sub(inc.CreatedAt))}
}

// seconds is d in whole seconds, never negative (a clock that stepped
// back between two writes).
func seconds(d time.Duration) int64 { return max(int64(d/time.Second), 0) }

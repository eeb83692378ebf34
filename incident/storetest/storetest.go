// Package storetest is the conformance suite of warroom's store ports
// (incident.Store and Tx, incident.JobQueue and JobPruner, and the job
// admin the web reads): each subtest states one rule of those ports' doc
// comments and checks it. Every store runs it (incident/sqlite and
// incident/postgres), in the manner of testing/fstest.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// Store is what the suite tests.
type Store interface {
	incident.Store
	incident.JobQueue
	incident.JobPruner
	// Jobs lists jobs, optionally of one incident and/or in one state, oldest first.
	Jobs(ctx context.Context, incidentID int64, state incident.JobState) ([]incident.Job, error)
	// RetryParked gives a parked job, and the later parked jobs of its lane, a fresh set of attempts.
	RetryParked(ctx context.Context, id int64, now time.Time) error
	// JobStats counts jobs by state, kind, backend and failure.
	JobStats(ctx context.Context) ([]incident.JobCount, error)
}

// Driver opens the stores under test.
type Driver struct {
	// Open opens a fresh, empty store that reads the time from clock.
	Open func(t *testing.T, clock incident.Clock) Store
	// Replica, when set, opens another store on the database of of, as a
	// second warroom replica would; the claim tests then claim through
	// several. Nil for a store that one process uses alone.
	Replica func(t *testing.T, of Store, clock incident.Clock) Store
}

// T0 is the suite's starting time.
var T0 = time.Date(2026, 12, 2, 12, 0, 0, 123456789, time.UTC)

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Run runs every rule of the suite against d's stores.
func Run(t *testing.T, d Driver) {
	rules := []struct {
		name string
		fn   func(t *testing.T, d Driver)
	}{
		{"UpdateIsAtomic", testUpdateAtomic},
		{"IncidentRoundTrip", testIncidentRoundTrip},
		{"MissingIncidentIsNotFound", testNotFound},
		{"AddEventWithRefIsIdempotent", testAddEventRef},
		{"EventsInTimeOrder", testEventsOrder},
		{"EnqueueKnownKeyIsNoop", testEnqueueKey},
		{"EnqueueKnownKeyThenNewInLane", testEnqueueKnownKeyThenNew},
		{"ActiveByDedupIgnoresClosed", testActiveByDedup},
		{"LiveIncidentHolding", testLiveIncidentHolding},
		{"MarkTicketChangeOrder", testMarkTicketChange},
		{"IncidentsFilterOrderPaging", testIncidents},
		{"ChatPostSlots", testChatPost},
		{"ParentsAndRoles", testParentsAndRoles},
		{"GroupWindows", testGroupWindows},
		{"Postmortems", testPostmortems},
		{"OnlyLaneHeadIsClaimable", testLaneOrder},
		{"ClaimDueOnlyAndOfKinds", testClaimDue},
		{"ClaimIsExclusiveUnderConcurrency", testClaimExclusive},
		{"LeaseLostAfterLapse", testLeaseLost},
		{"RetryKeepsLaneHead", testRetry},
		{"ParkLeavesLaneResumeRestoresOrder", testParkResume},
		{"ParkOfNonHeadRequeues", testParkNonHead},
		{"RetryParkedTakesLaterParkedOfLane", testRetryParked},
		{"PruneDeletesOldDoneOnly", testPrune},
		{"JobStatsCount", testJobStats},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) { r.fn(t, d) })
	}
}

// open opens a store on a new clock at T0.
func open(t *testing.T, d Driver) (Store, *Clock) {
	t.Helper()
	c := &Clock{t: T0}
	return d.Open(t, c), c
}

// newIncident stores an open incident from source with dedup key.
func newIncident(t *testing.T, s Store, title, dedup string) *incident.Incident {
	t.Helper()
	inc := &incident.Incident{Title: title, Severity: incident.SeverityHigh, Status: incident.StatusOpen,
		Source: "alertmanager", DedupKey: dedup, CreatedAt: T0, UpdatedAt: T0}
	update(t, s, func(tx incident.Tx) error { return tx.CreateIncident(context.Background(), inc) })
	return inc
}

func update(t *testing.T, s Store, fn func(incident.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func newJob(t *testing.T, kind incident.JobKind, inc int64, key string) incident.Job {
	t.Helper()
	j, err := incident.NewJob(kind, inc, key, map[string]string{"k": key})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func enqueue(t *testing.T, s Store, jobs ...incident.Job) {
	t.Helper()
	update(t, s, func(tx incident.Tx) error {
		for _, j := range jobs {
			if err := tx.Enqueue(context.Background(), j); err != nil {
				return err
			}
		}
		return nil
	})
}

// kinds are the kinds the suite's jobs have: the domain's own. Build and
// delete share the lane "chat", store has the lane "ticket".
var kinds = []incident.JobKind{incident.JobBuildTranscript, incident.JobDeleteChannel, incident.JobStoreTranscript}

func claim(t *testing.T, s Store, now time.Time) *incident.Job {
	t.Helper()
	j, err := s.Claim(context.Background(), now, time.Minute, kinds)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return j
}

func keyOf(j *incident.Job) string {
	if j == nil {
		return "(none)"
	}
	return j.Key
}

func wantClaim(t *testing.T, s Store, now time.Time, want string) *incident.Job {
	t.Helper()
	j := claim(t, s, now)
	if keyOf(j) != want {
		t.Fatalf("claim at %v = %s, want %s", now.Sub(T0), keyOf(j), want)
	}
	return j
}

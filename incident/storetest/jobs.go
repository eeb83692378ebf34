package storetest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// Enqueue with the key of a job already enqueued is a no-op, whatever its
// state.
func testEnqueueKey(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "k1"), newJob(t, incident.JobBuildTranscript, inc.ID, "k1"))
	j := wantClaim(t, s, T0, "k1")
	if err := s.Finish(ctx, j.Lease(), T0); err != nil {
		t.Fatal(err)
	}
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "k1"))
	jobs, err := s.Jobs(ctx, inc.ID, "")
	if err != nil || len(jobs) != 1 || jobs[0].State != incident.JobDone {
		t.Fatalf("jobs = %+v (%v), want the one k1, done", jobs, err)
	}
	if string(jobs[0].Payload) != `{"k":"k1"}` || jobs[0].Backend != incident.BackendChat || !jobs[0].CreatedAt.Equal(T0) {
		t.Fatalf("job read back as %+v", jobs[0])
	}
	wantClaim(t, s, T0.Add(time.Hour), "(none)")
}

// A transaction that enqueues a known key (a job done long ago) and then
// a new job of the same lane leaves the new job its lane's head, and one
// that enqueues several jobs of a lane makes only the first its head.
func testEnqueueKnownKeyThenNew(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "k1"))
	j := wantClaim(t, s, T0, "k1")
	if err := s.Finish(ctx, j.Lease(), T0); err != nil {
		t.Fatal(err)
	}
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "k1"),
		newJob(t, incident.JobDeleteChannel, inc.ID, "k2"), newJob(t, incident.JobBuildTranscript, inc.ID, "k3"))
	j = wantClaim(t, s, T0, "k2")
	wantClaim(t, s, T0, "(none)") // k3 waits behind k2, in the same lane
	if err := s.Finish(ctx, j.Lease(), T0); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0, "k3")
}

// Only a lane's head (its oldest pending or running job) is claimable;
// lanes of other incidents or other names do not wait for each other.
func testLaneOrder(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	a, b := newIncident(t, s, "a", ""), newIncident(t, s, "b", "")
	enqueue(t, s,
		newJob(t, incident.JobBuildTranscript, a.ID, "a1"), // lane chat of a
		newJob(t, incident.JobDeleteChannel, a.ID, "a2"),   // lane chat of a, behind a1
		newJob(t, incident.JobStoreTranscript, a.ID, "a3"), // lane ticket of a
		newJob(t, incident.JobDeleteChannel, b.ID, "b1"))   // lane chat of b
	got := map[string]*incident.Job{}
	for range 3 {
		j := claim(t, s, T0)
		if j == nil {
			t.Fatalf("only %d heads claimable, want 3 (a1, a3, b1)", len(got))
		}
		got[j.Key] = j
	}
	if got["a1"] == nil || got["a3"] == nil || got["b1"] == nil {
		t.Fatalf("claimed %v, want a1, a3, b1", got)
	}
	wantClaim(t, s, T0, "(none)") // a2 waits for a1, which is running
	if err := s.Finish(ctx, got["a1"].Lease(), T0); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0, "a2")
}

// Claim hands out due jobs of the kinds asked for only, and nil, nil when
// none is runnable.
func testClaimDue(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	later := newJob(t, incident.JobStoreTranscript, inc.ID, "later")
	later.RunAt = T0.Add(time.Hour)
	enqueue(t, s, later, newJob(t, incident.JobBuildTranscript, inc.ID, "now"))
	if j, err := s.Claim(ctx, T0, time.Minute, []incident.JobKind{incident.JobStoreTranscript}); err != nil || j != nil {
		t.Fatalf("claim before run_at = %v, %v, want nil, nil", keyOf(j), err)
	}
	if j, err := s.Claim(ctx, T0, time.Minute, nil); err != nil || j != nil {
		t.Fatalf("claim of no kinds = %v, %v, want nil, nil", keyOf(j), err)
	}
	j, err := s.Claim(ctx, T0, time.Minute, []incident.JobKind{incident.JobBuildTranscript})
	if err != nil || keyOf(j) != "now" || j.State != incident.JobRunning || j.Attempts != 1 || j.Token == 0 {
		t.Fatalf("claim = %+v, %v, want now, running, attempt 1, a token", j, err)
	}
	if err := s.Finish(ctx, j.Lease(), T0); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0.Add(time.Hour), "later")
}

// Claims from several goroutines, and with a Replica from several stores
// on one database, hand each job to exactly one of them.
func testClaimExclusive(t *testing.T, d Driver) {
	s, clock := open(t, d)
	ctx := context.Background()
	stores := []Store{s}
	if d.Replica != nil {
		stores = append(stores, d.Replica(t, s, clock), d.Replica(t, s, clock))
	}
	const incidents = 40
	want := map[string]bool{}
	for i := range incidents {
		inc := newIncident(t, s, fmt.Sprint(i), "")
		enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, fmt.Sprintf("%d/build", i)),
			newJob(t, incident.JobDeleteChannel, inc.ID, fmt.Sprintf("%d/delete", i)),
			newJob(t, incident.JobStoreTranscript, inc.ID, fmt.Sprintf("%d/store", i)))
		want[fmt.Sprintf("%d/build", i)], want[fmt.Sprintf("%d/delete", i)], want[fmt.Sprintf("%d/store", i)] = true, true, true
	}
	var mu sync.Mutex
	claimed := map[string]int{}
	running := map[string]bool{} // lane -> a job of it is running
	var errs []error
	var wg sync.WaitGroup
	for w := range 8 {
		st := stores[w%len(stores)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idle := 0; idle < 3; {
				j, err := st.Claim(ctx, T0, time.Hour, kinds)
				if err != nil {
					if incident.ErrorKind(err) == incident.KindTransient {
						continue // the caller retries
					}
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if j == nil {
					idle++
					continue
				}
				idle = 0
				lane := fmt.Sprintf("%d/%s", j.IncidentID, j.Kind.Lane())
				mu.Lock()
				claimed[j.Key]++
				if running[lane] {
					errs = append(errs, fmt.Errorf("%s claimed while another job of lane %s runs", j.Key, lane))
				}
				running[lane] = true
				mu.Unlock()
				runtime.Gosched() // the job's work: another worker's claim may come now
				mu.Lock()
				running[lane] = false // before Finish: the next job is claimable once it commits
				mu.Unlock()
				for {
					err := st.Finish(ctx, j.Lease(), T0)
					if incident.ErrorKind(err) == incident.KindTransient {
						continue
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("finish %s: %w", j.Key, err))
						mu.Unlock()
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	for k := range want {
		if claimed[k] != 1 {
			t.Errorf("job %s claimed %d times, want once", k, claimed[k])
		}
	}
	if len(claimed) != len(want) {
		t.Errorf("%d jobs claimed, want %d", len(claimed), len(want))
	}
}

// A lease that lapsed lets another claim take the job with a newer token;
// the first claim's Renew, Retry, Park and Finish then fail with
// ErrLeaseLost and change nothing.
func testLeaseLost(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "j"))
	first := wantClaim(t, s, T0, "j")
	if err := s.Renew(ctx, first.Lease(), T0.Add(2*time.Minute)); err != nil {
		t.Fatalf("renew of the held lease: %v", err)
	}
	wantClaim(t, s, T0.Add(time.Minute+time.Second), "(none)") // renewed: not lapsed yet
	second := wantClaim(t, s, T0.Add(3*time.Minute), "j")
	if second.Token <= first.Token || second.Attempts != 2 {
		t.Fatalf("second claim token %d attempts %d, first token %d: want a newer token and attempt 2", second.Token, second.Attempts, first.Token)
	}
	late := T0.Add(4 * time.Minute)
	for name, err := range map[string]error{
		"Renew":  s.Renew(ctx, first.Lease(), late),
		"Retry":  s.Retry(ctx, first.Lease(), incident.RetryAt{RunAt: late, Reason: "late"}, late),
		"Finish": s.Finish(ctx, first.Lease(), late),
		"Park": func() error {
			_, err := s.Park(ctx, first.Lease(), incident.Parking{Reason: "late"}, late)
			return err
		}(),
	} {
		if !errors.Is(err, incident.ErrLeaseLost) {
			t.Errorf("%s under the lost lease = %v, want ErrLeaseLost", name, err)
		}
	}
	jobs, _ := s.Jobs(ctx, inc.ID, incident.JobRunning)
	if len(jobs) != 1 || jobs[0].Token != second.Token {
		t.Fatalf("after the late calls: running %+v, want j under the second claim", jobs)
	}
	if err := s.Finish(ctx, second.Lease(), late); err != nil {
		t.Fatalf("finish under the newest lease: %v", err)
	}
	if err := s.Finish(ctx, second.Lease(), late); !errors.Is(err, incident.ErrLeaseLost) {
		t.Fatalf("a second finish = %v, want ErrLeaseLost", err)
	}
}

// Retry puts the job back to run at RunAt with its reason and failure; it
// stays its lane's head, so the jobs behind it wait.
func testRetry(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "first"), newJob(t, incident.JobDeleteChannel, inc.ID, "second"))
	j := wantClaim(t, s, T0, "first")
	at := T0.Add(10 * time.Minute)
	if err := s.Retry(ctx, j.Lease(), incident.RetryAt{RunAt: at, Reason: "503", Failure: incident.FailureTransient, FailingSince: T0}, T0); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0.Add(time.Minute), "(none)")
	jobs, _ := s.Jobs(ctx, inc.ID, incident.JobPending)
	if len(jobs) != 2 || jobs[0].LastError != "503" || jobs[0].Failure != incident.FailureTransient ||
		jobs[0].FailingSince == nil || !jobs[0].FailingSince.Equal(T0) || !jobs[0].RunAt.Equal(at) {
		t.Fatalf("pending after retry: %+v", jobs)
	}
	j = wantClaim(t, s, at, "first")
	if j.Attempts != 2 {
		t.Fatalf("attempts %d, want 2", j.Attempts)
	}
}

// Park takes the head out of its lane (the jobs behind it run); resuming
// makes it the head again, ahead of them, with fresh attempts.
func testParkResume(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "a"), newJob(t, incident.JobDeleteChannel, inc.ID, "b"),
		newJob(t, incident.JobStoreTranscript, inc.ID, "t"))
	a := wantClaim(t, s, T0, "a")
	tk := wantClaim(t, s, T0, "t")
	parked, err := s.Park(ctx, a.Lease(), incident.Parking{Reason: "chat down", Failure: incident.FailureTransient}, T0)
	if err != nil || !parked {
		t.Fatalf("Park = %v, %v, want true", parked, err)
	}
	if parked, err := s.Park(ctx, tk.Lease(), incident.Parking{Reason: "bad", Failure: incident.FailurePermanent}, T0); err != nil || !parked {
		t.Fatalf("Park = %v, %v, want true", parked, err)
	}
	// b is its lane's head now, but stays unclaimed: resume a first.
	n, err := s.ResumeParked(ctx, incident.BackendChat, 10, T0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("ResumeParked(chat) = %d, %v, want 1 (the permanent ticket failure stays parked)", n, err)
	}
	j := wantClaim(t, s, T0.Add(time.Minute), "a")
	if j.Attempts != 1 {
		t.Fatalf("resumed job's attempts %d, want a fresh 1", j.Attempts)
	}
	wantClaim(t, s, T0.Add(time.Minute), "(none)")
	if n, _ := s.ResumeParked(ctx, incident.BackendTickets, 10, T0); n != 0 {
		t.Fatalf("ResumeParked(tickets) = %d, want 0: its job failed for good", n)
	}
	if err := s.Finish(ctx, j.Lease(), T0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0.Add(time.Minute), "b")
	if parked, _ := s.Jobs(ctx, inc.ID, incident.JobParked); len(parked) != 1 || parked[0].Key != "t" || parked[0].LastError != "bad" {
		t.Fatalf("parked = %+v, want t with its reason", parked)
	}
}

// Park of a job that is no longer its lane's head (an earlier one was
// retried meanwhile) puts it back to wait instead, and reports false.
func testParkNonHead(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "a"), newJob(t, incident.JobDeleteChannel, inc.ID, "b"))
	a := wantClaim(t, s, T0, "a")
	if _, err := s.Park(ctx, a.Lease(), incident.Parking{Reason: "no channel", Failure: incident.FailurePermanent}, T0); err != nil {
		t.Fatal(err)
	}
	b := wantClaim(t, s, T0, "b")
	if err := s.RetryParked(ctx, a.ID, T0); err != nil {
		t.Fatal(err)
	}
	parked, err := s.Park(ctx, b.Lease(), incident.Parking{Reason: "no channel", Failure: incident.FailurePermanent}, T0)
	if err != nil || parked {
		t.Fatalf("Park of a non-head = %v, %v, want false (put back)", parked, err)
	}
	a = wantClaim(t, s, T0, "a")
	if err := s.Finish(ctx, a.Lease(), T0); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0, "b")
}

// RetryParked makes the parked job and the later parked jobs of its lane
// pending, in order; a job that is not parked is KindNotFound.
func testRetryParked(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "a"), newJob(t, incident.JobDeleteChannel, inc.ID, "b"))
	for _, k := range []string{"a", "b"} {
		j := wantClaim(t, s, T0, k)
		if _, err := s.Park(ctx, j.Lease(), incident.Parking{Reason: "x", Failure: incident.FailurePermanent}, T0); err != nil {
			t.Fatal(err)
		}
	}
	jobs, _ := s.Jobs(ctx, inc.ID, incident.JobParked)
	if len(jobs) != 2 {
		t.Fatalf("parked %d, want 2", len(jobs))
	}
	if err := s.RetryParked(ctx, jobs[0].ID, T0); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryParked(ctx, jobs[0].ID, T0); incident.ErrorKind(err) != incident.KindNotFound {
		t.Fatalf("RetryParked of a pending job = %v, want KindNotFound", err)
	}
	a := wantClaim(t, s, T0, "a")
	wantClaim(t, s, T0, "(none)")
	if err := s.Finish(ctx, a.Lease(), T0); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, T0, "b")
}

// PruneJobs deletes up to limit done jobs updated before before, and no
// job in another state.
func testPrune(t *testing.T, d Driver) {
	s, clock := open(t, d)
	ctx := context.Background()
	var keys []string
	for i := range 4 {
		inc := newIncident(t, s, fmt.Sprint(i), "")
		keys = append(keys, fmt.Sprint(i))
		enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, fmt.Sprint(i)))
	}
	pendingInc := newIncident(t, s, "p", "")
	enqueue(t, s, newJob(t, incident.JobStoreTranscript, pendingInc.ID, "pending"))
	for i := range 4 {
		j, err := s.Claim(ctx, T0, time.Minute, []incident.JobKind{incident.JobBuildTranscript})
		if err != nil || j == nil {
			t.Fatalf("claim %d: %v, %v", i, j, err)
		}
		// Finished at T0+0, +1h, +2h, +3h.
		if err := s.Finish(ctx, j.Lease(), T0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneJobs(ctx, T0.Add(150*time.Minute), 2)
	if err != nil || n != 2 {
		t.Fatalf("PruneJobs(limit 2) = %d, %v, want 2", n, err)
	}
	n, err = s.PruneJobs(ctx, T0.Add(150*time.Minute), 10)
	if err != nil || n != 1 {
		t.Fatalf("PruneJobs again = %d, %v, want the 1 left before the cut", n, err)
	}
	jobs, err := s.Jobs(ctx, 0, "")
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs left %+v (%v), want the newest done one and the pending one", jobs, err)
	}

	// Pruning runs as a singleton: under a lease that lapsed it deletes
	// nothing, and says why; under the lease held it prunes.
	leases, ok := s.(incident.Leases)
	if !ok {
		t.Fatal("the store keeps no leases")
	}
	old, err := leases.AcquireLease(ctx, "pruner", "a", T0, T0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(T0.Add(2 * time.Second))
	if n, err := s.PruneJobs(incident.WithFence(ctx, old), T0.Add(4*time.Hour), 10); !errors.Is(err, incident.ErrLeaseFenced) || n != 0 {
		t.Fatalf("PruneJobs under a lapsed lease = %d, %v; want 0 and ErrLeaseFenced", n, err)
	}
	if jobs, _ := s.Jobs(ctx, 0, incident.JobDone); len(jobs) != 1 {
		t.Fatalf("done jobs after a fenced prune: %d, want the 1 kept", len(jobs))
	}
	held, err := leases.AcquireLease(ctx, "pruner", "a", T0.Add(2*time.Second), T0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneJobs(incident.WithFence(ctx, held), T0.Add(4*time.Hour), 10); err != nil || n != 1 {
		t.Fatalf("PruneJobs under the lease held = %d, %v; want 1", n, err)
	}
}

// JobStats counts jobs by state, kind, backend and failure.
func testJobStats(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "x", "")
	enqueue(t, s, newJob(t, incident.JobBuildTranscript, inc.ID, "a"), newJob(t, incident.JobDeleteChannel, inc.ID, "b"),
		newJob(t, incident.JobStoreTranscript, inc.ID, "t"))
	wantClaim(t, s, T0, "a")
	stats, err := s.JobStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range stats {
		got[fmt.Sprintf("%s %s %s %s", c.State, c.Kind, c.Backend, c.Failure)] += c.N
	}
	want := map[string]int{
		"running archive.build chat ":    1,
		"pending channel.delete chat ":   1,
		"pending archive.store tickets ": 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("JobStats = %v, want %v", got, want)
	}
}

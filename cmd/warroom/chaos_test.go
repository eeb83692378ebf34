package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// The size of TestChaosOverReplicas. The defaults are CI's; the full run of
// issue 14 is -chaos.groups=1000 -chaos.repeats=10 -chaos.kills=30 (see
// docs/benchmarks.md for the command and what it measured).
var (
	chaosGroups  = flag.Int("chaos.groups", 60, "alert groups of the chaos storm (one incident each)")
	chaosRepeats = flag.Int("chaos.repeats", 4, "notifications per group; every third is a resolution, the next fires again")
	chaosKills   = flag.Int("chaos.kills", 5, "SIGKILLs of a random replica over the run (each restarted at once)")
	chaosSenders = flag.Int("chaos.senders", 16, "concurrent notification senders")
	chaosCalm    = flag.Bool("chaos.calm", false, "no kills and no PostgreSQL restart: the same run as a floor to measure the chaos against")
	chaosLogs    = flag.String("chaos.logs", "", "directory to keep the replicas' logs in (default: the test's temporary directory)")
	chaosWait    = flag.Duration("chaos.wait", 3*time.Minute, "deadline of each phase (storm drained, archives done)")
)

// chaosResolveEvery: every third repeat of a group resolves it, the next
// fires it again.
const chaosResolveEvery = 3

// TestChaosOverReplicas runs three warroom replicas as OS processes on one
// PostgreSQL, with builtin chat and the Jira fake as ticket system, and
// checks exactly-once end to end while replicas are killed:
//
//  1. the storm: every notification of -chaos.groups alert groups is
//     delivered to two replicas at the same moment (an Alertmanager HA
//     pair, each notifying), a delivery that fails going on to the next
//     replica as a load balancer would;
//  2. once every incident has its channel and welcome post, each is acked
//     and then closed through the API (spread over the replicas), and its
//     archive runs: transcript, stored in Jira, read back, channel deleted.
//
// Throughout, -chaos.kills times, a random replica is killed with SIGKILL
// at a random point of the run's progress and started again, and
// PostgreSQL itself is restarted once in the middle (pg_ctl stop -m fast,
// start on the same data and port). The moments come from a seed in the
// log (-crash.seed repeats them). Afterwards: one incident per group, every
// job done (none parked or left), every incident archived with each step
// once on its timeline, no builtin channel or message left, and on the
// peers' side one Jira issue per incident whose comments each happened
// once, one per status change, with the transcripts attached once each and
// holding the welcome and status posts once.
func TestChaosOverReplicas(t *testing.T) {
	groups, repeats, kills := *chaosGroups, *chaosRepeats, *chaosKills
	if (repeats-1)%chaosResolveEvery == chaosResolveEvery-1 {
		t.Fatalf("-chaos.repeats %d ends every group resolved; choose one that ends firing (e.g. 4 or 10)", repeats)
	}
	rng := crashRand(t)
	pg := pgtest.Start(t)
	if err := pg.Exec("CREATE DATABASE chaos"); err != nil {
		t.Fatal(err)
	}
	dsn := pg.DSN("postgres", "", "chaos")
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxIdleConns(0) // a connection kept across the PostgreSQL restart would fail the next check
	jira := jiratest.New(t, jiratest.Options{})
	bin := buildBinary(t)
	rs := startReplicas(t, bin, 3, "WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN="+dsn,
		"WARROOM_PUBLIC_URL=http://warroom.test", "WARROOM_API_TOKEN="+testAPIToken, "WARROOM_SOURCES_ALERTMANAGER_TOKEN="+testAMToken,
		"WARROOM_LOG_LEVEL=info", "WARROOM_JOBS_BASE_DELAY=20ms", "WARROOM_JOBS_MAX_DELAY=500ms",
		// A dead replica's running jobs are claimed again once their lease
		// lapses: 3 s here, so that the run is not 30 one-minute waits.
		"WARROOM_JOBS_LEASE=3s",
		"WARROOM_TICKETS_BACKEND=jira", "WARROOM_TICKETS_JIRA_URL="+jira.URL(), "WARROOM_TICKETS_JIRA_USER=incident-bot",
		"WARROOM_TICKETS_JIRA_TOKEN=incident-bot-token", "WARROOM_TICKETS_JIRA_PROJECT=OPS", "WARROOM_TICKETS_JIRA_WEBHOOK_SECRET="+testJiraSecret)
	t.Logf("3 replicas on PostgreSQL 127.0.0.1:%d: %s, %s, %s; logs in %s", pg.Port(), rs.url(0), rs.url(1), rs.url(2), rs.logDir)

	run := newChaosRun(t, rs, groups, repeats)
	total := int64(run.n + 3*groups) // notifications, acks, closes, archives
	plan := newChaosPlan(rng, kills, total)
	if *chaosCalm {
		kills, plan = 0, chaosPlan{pgAt: -1}
	}
	t.Logf("chaos plan: %d kills at progress %v of %d; PostgreSQL restart at %d", kills, plan.killAt, total, plan.pgAt)
	ctl := startChaos(t, rs, pg, plan, &run.progress)
	started := time.Now()

	run.storm()
	run.waitFor("every incident to have its channel and welcome post, and the storm's jobs to finish", func() (bool, error) {
		ready, err := channelsReady(db, groups)
		if !ready || err != nil {
			return false, err
		}
		_, left, err := archiveProgress(db)
		return err == nil && left == 0, err
	})
	var posts map[string][2]int
	run.waitFor("the builtin channels' posts", func() (bool, error) { // PostgreSQL may be restarting
		var err error
		posts, err = postsInChannels(db)
		return err == nil, err
	})
	checkPostsInChannels(t, posts, groups)
	stormDone := time.Since(started)
	keys := run.incidentKeys(db)
	run.each(keys, "ack", func(code int) bool { return code == 200 || code == 409 }) // 409: resolved by a late resolution, or acked before a kill
	run.each(keys, "close", func(code int) bool { return code == 200 || code == 409 })
	run.waitFor("every incident archived and every job finished", func() (bool, error) {
		archived, left, err := archiveProgress(db)
		if err == nil {
			run.archived.Store(archived)
		}
		return err == nil && archived == int64(groups) && left == 0, err
	})
	ctl.stop()
	run.waitFor("the jobs after the last kill", func() (bool, error) {
		_, left, err := archiveProgress(db)
		return err == nil && left == 0, err
	})
	took := time.Since(started)

	checkIncidentsOnce(t, db, groups, run.o)
	checkJobsDone(t, db)
	checkTimelines(t, db)
	checkBuiltinEmpty(t, db)
	checkJira(t, jira, db)
	if t.Failed() {
		for _, l := range rs.grepLogs(40, "level=ERROR", "parked") {
			t.Log(l)
		}
	}
	reruns := countRows(t, db, "SELECT count(*) FROM jobs WHERE token > 1")
	t.Logf("chaos: %d groups x %d notifications, each to 2 replicas (%d deliveries, %d refused or cut off and sent on), "+
		"%d incidents archived; %d kills (%d while work remained), PostgreSQL restarted %d time(s); "+
		"storm drained after %.1fs, all done after %.1fs; %d of %d jobs were claimed more than once",
		groups, repeats, 2*run.n, run.resent.Load(), groups, ctl.kills, ctl.killsBusy, ctl.pgRestarts,
		stormDone.Seconds(), took.Seconds(), reruns, countRows(t, db, "SELECT count(*) FROM jobs"))
	if wantPG := map[bool]int{false: 1, true: 0}[*chaosCalm]; ctl.kills < kills || ctl.pgRestarts != wantPG {
		t.Errorf("the chaos did %d of %d kills and %d PostgreSQL restarts, want all and %d", ctl.kills, kills, ctl.pgRestarts, wantPG)
	}
}

// chaosPlan is when the chaos strikes, in units of the run's progress.
type chaosPlan struct {
	killAt []int64 // sorted
	pgAt   int64   // -1: none
	victim []int   // the replica each kill hits
}

func newChaosPlan(rng *rand.Rand, kills int, total int64) chaosPlan {
	p := chaosPlan{pgAt: total/3 + rng.Int64N(total/3+1)}
	for range kills {
		p.killAt = append(p.killAt, rng.Int64N(total))
		p.victim = append(p.victim, rng.IntN(3))
	}
	slices.Sort(p.killAt)
	return p
}

// chaosController kills replicas and restarts PostgreSQL as the plan says,
// as the run's progress passes each point.
type chaosController struct {
	cancel     context.CancelFunc
	done       chan struct{}
	kills      int
	killsBusy  int // kills while the run still had work
	pgRestarts int
}

func startChaos(t *testing.T, rs *replicaSet, pg *pgtest.Cluster, plan chaosPlan, progress *atomic.Int64) *chaosController {
	ctx, cancel := context.WithCancel(context.Background())
	c := &chaosController{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		k := 0
		pgDone := plan.pgAt < 0 // a calm run
		for ctx.Err() == nil && (k < len(plan.killAt) || !pgDone) {
			now := progress.Load()
			switch {
			case !pgDone && now >= plan.pgAt && (k == len(plan.killAt) || plan.pgAt <= plan.killAt[k]):
				t.Logf("chaos: restarting PostgreSQL at progress %d", now)
				if err := pg.Restart(); err != nil {
					t.Errorf("chaos: %v", err)
				}
				pgDone = true
				c.pgRestarts++
			case k < len(plan.killAt) && now >= plan.killAt[k]:
				victim := plan.victim[k]
				t.Logf("chaos: kill -9 of replica %d at progress %d", victim, now)
				if err := rs.restart(victim); err != nil {
					t.Errorf("chaos: %v", err)
				}
				c.kills++
				k++
			default:
				time.Sleep(5 * time.Millisecond) // polling the progress
			}
		}
		// What the run finished before it reached: done now, so that the
		// count is whole; these kills hit replicas with nothing left to do.
		c.killsBusy = c.kills
		for ; k < len(plan.killAt); k++ {
			if err := rs.restart(plan.victim[k]); err != nil {
				t.Errorf("chaos: %v", err)
			}
			c.kills++
		}
		if !pgDone {
			if err := pg.Restart(); err != nil {
				t.Errorf("chaos: %v", err)
			}
			c.pgRestarts++
		}
	}()
	return c
}

// stop ends the chaos: the kills the run did not reach are made now.
func (c *chaosController) stop() {
	c.cancel()
	<-c.done
}

// chaosRun drives the storm and the API calls over the replicas.
type chaosRun struct {
	t        *testing.T
	rs       *replicaSet
	o        loadOptions
	n        int
	progress atomic.Int64 // notifications delivered + acks + closes + archives
	archived atomic.Int64
	base     int64 // progress before the archives (set after the closes)
	resent   atomic.Int64
	client   *chaosClient
}

func newChaosRun(t *testing.T, rs *replicaSet, groups, repeats int) *chaosRun {
	o := loadOptions{N: groups * repeats, Groups: groups, Senders: *chaosSenders, ResolveEvery: chaosResolveEvery,
		Run: fmt.Sprintf("chaos-%d", time.Now().UnixNano()), Token: testAMToken, APIToken: testAPIToken}
	r := &chaosRun{t: t, rs: rs, o: o, n: o.N}
	r.client = newChaosClient(rs, &r.resent)
	return r
}

// storm delivers every notification to two replicas at once.
func (r *chaosRun) storm() {
	base := time.Now().UTC().Truncate(time.Second)
	work := make(chan int)
	var wg sync.WaitGroup
	for range r.o.Senders {
		wg.Go(func() {
			for i := range work {
				body, err := loadPayload(r.o, base, i)
				if err != nil {
					r.t.Error(err)
					continue
				}
				var pair sync.WaitGroup
				for d := range 2 {
					pair.Go(func() {
						if err := r.client.post(i+d, "/hooks/alertmanager", "Bearer "+testAMToken, body, nil); err != nil {
							r.t.Errorf("notification %d: %v", i, err)
						}
					})
				}
				pair.Wait()
				r.progress.Add(1)
			}
		})
	}
	for i := range r.n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// each calls POST /api/v1/incidents/{key}/{action} for every key, spread
// over the replicas; ok says which final answers count as done.
func (r *chaosRun) each(keys []string, action string, ok func(code int) bool) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range r.o.Senders {
		wg.Go(func() {
			for i := range work {
				var code int
				body := fmt.Appendf(nil, `{"actor":"chaos","reason":"chaos run"}`)
				if err := r.client.post(i, "/api/v1/incidents/"+keys[i]+"/"+action, "Bearer "+testAPIToken, body, &code); err != nil {
					r.t.Errorf("%s %s: %v", action, keys[i], err)
				} else if !ok(code) {
					r.t.Errorf("%s %s: answered %d", action, keys[i], code)
				}
				r.progress.Add(1)
			}
		})
	}
	for i := range keys {
		work <- i
	}
	close(work)
	wg.Wait()
	r.base = r.progress.Load()
}

// waitFor polls cond until it holds, up to -chaos.wait; while archives run
// it reports their number as progress.
func (r *chaosRun) waitFor(what string, cond func() (bool, error)) {
	r.t.Helper()
	deadline := time.Now().Add(*chaosWait)
	var last error
	for {
		ok, err := cond()
		if ok {
			return
		}
		if err != nil {
			last = err
		}
		if r.base > 0 {
			r.progress.Store(r.base + r.archived.Load())
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out after %s waiting for %s (last error: %v)", *chaosWait, what, last)
		}
		time.Sleep(100 * time.Millisecond) // polling the database, with a deadline
	}
}

// incidentKeys lists the run's incidents, in order.
func (r *chaosRun) incidentKeys(db *sql.DB) []string {
	r.t.Helper()
	var keys []string
	r.waitFor("the incidents' keys", func() (bool, error) {
		rows, err := db.Query("SELECT id FROM incidents ORDER BY id")
		if err != nil {
			return false, err
		}
		defer rows.Close()
		keys = keys[:0]
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return false, err
			}
			keys = append(keys, fmt.Sprintf("INC-%d", id))
		}
		return rows.Err() == nil, rows.Err()
	})
	return keys
}

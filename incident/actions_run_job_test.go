package incident_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// countingExec is an executor that counts its runs.
type countingExec struct{ runs atomic.Int32 }

func (e *countingExec) Execute(ctx context.Context, name string, in incident.ActionInput) (incident.ActionResult, error) {
	e.runs.Add(1)
	return incident.ActionResult{OK: true, Status: "exit status 0", Ran: "/bin/" + name, Output: []byte("done\n")}, nil
}

// A run found started (warroom stopped while it ran) is reported as
// unknown and not run again; an idempotent one runs again, once.
func TestStartedRunIsUnknownUnlessIdempotent(t *testing.T) {
	for _, idempotent := range []bool{false, true} {
		exec := &countingExec{}
		chat := &recordingChat{}
		cat := &incident.ActionCatalog{Exec: exec, Specs: []incident.ActionSpec{
			{Name: "a", Description: "a", Users: []string{"alice"}, Timeout: time.Minute, Idempotent: idempotent}}}
		p := newParts(t, filepath.Join(t.TempDir(), "w.db"), incident.Deps{Chat: chat, Actions: cat})
		ctx := context.Background()
		inc, err := p.svc.Declare(ctx, incident.Declaration{Title: "db stuck", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		p.runDue(t) // the channel
		rep, err := p.svc.RunCommand(ctx, incident.CommandRequest{Actor: "alice", Text: "run a", IncidentKey: inc.Key})
		if err != nil || rep.Failed {
			t.Fatalf("run a: %+v %v", rep, err)
		}
		// As if an earlier attempt started it and warroom was killed.
		err = p.db.Update(ctx, func(tx incident.Tx) error {
			r, err := tx.ActionRun(ctx, 1)
			if err != nil {
				return err
			}
			now := time.Now()
			r.State, r.Attempts, r.StartedAt = incident.RunStarted, 1, &now
			return tx.UpdateActionRun(ctx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		p.runDue(t)
		p.runDue(t)
		run, err := p.db.ActionRun(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := p.svc.Timeline(ctx, inc.Key)
		kinds := map[incident.EventKind]int{}
		for _, ev := range evs {
			kinds[ev.Kind]++
		}
		if !idempotent {
			if exec.runs.Load() != 0 || run.State != incident.RunUnknown || kinds[incident.EventActionUnknown] != 1 || kinds[incident.EventActionFinished] != 0 {
				t.Errorf("not idempotent: %d runs, state %s, events %v; want no run, unknown", exec.runs.Load(), run.State, kinds)
			}
			if post := chat.post(t, "/action/1/unknown/"); !strings.Contains(post.Text, "outcome unknown") {
				t.Errorf("the unknown post reads %q", post.Text)
			}
			continue
		}
		if exec.runs.Load() != 1 || run.State != incident.RunFinished || run.Attempts != 2 || kinds[incident.EventActionFinished] != 1 {
			t.Errorf("idempotent: %d runs, state %s attempts %d, events %v; want one more run, finished", exec.runs.Load(), run.State, run.Attempts, kinds)
		}
		post := chat.post(t, "/action/1/result/")
		if len(post.Files) != 1 || string(post.Files[0].Data) != "done\n" || !strings.Contains(post.Text, "exit status 0") {
			t.Errorf("the result post: %q files %v", post.Text, post.Files)
		}
	}
}

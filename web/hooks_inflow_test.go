package web

import (
	"context"
	"testing"

	"github.com/warroom/warroom/incident"
)

// A hook request counts in the Inflow while it is handled, accepted or
// refused, so that the job runner yields to alerts coming in.
func TestHookRequestsCountInInflow(t *testing.T) {
	inflow := incident.NewInflow(incident.SystemClock{})
	seen, gauge := -1, -1.0
	var x *harness
	hook := tokenHook
	hook.Decode = func(body []byte) (incident.AlertGroup, error) {
		seen, gauge = inflow.InFlight(), x.scrape()["warroom_alerts_in_flight"]
		return decodeTest(body)
	}
	x = newHarness(t, Config{}, withHooks(hook), func(d *Deps) { d.Inflow = inflow })
	x.metrics.Inflow(inflow)
	w := x.do(req{method: "POST", path: "/hooks/alertmanager", body: firing, header: []string{"Authorization", "Bearer am-secret"}})
	wantStatus(t, w, 200)
	if seen != 1 || gauge != 1 {
		t.Errorf("while the notification was handled, %d requests were in flight (gauge %v), want 1", seen, gauge)
	}
	w = x.do(req{method: "POST", path: "/hooks/alertmanager", body: firing, header: []string{"Authorization", "Bearer wrong"}})
	wantStatus(t, w, 401)
	if n, g := inflow.InFlight(), x.scrape()["warroom_alerts_in_flight"]; n != 0 || g != 0 {
		t.Errorf("after the answers, %d requests in flight (gauge %v), want 0", n, g)
	}
}

// repeatAlerts answers every notification as a repeat of what the
// incident holds.
type repeatAlerts struct{}

func (repeatAlerts) IngestAlerts(context.Context, incident.AlertGroup) (incident.IngestResult, error) {
	return incident.IngestResult{Incident: &incident.Incident{Key: "INC-1"}, Unchanged: true}, nil
}

// A notification that changed nothing wakes no job worker (it enqueued
// nothing); it is still answered as accepted.
func TestUnchangedNotificationKicksNoWorker(t *testing.T) {
	x := newHarness(t, Config{}, withHooks(tokenHook), func(d *Deps) { d.Alerts = repeatAlerts{} })
	w := x.do(req{method: "POST", path: "/hooks/alertmanager", body: firing, header: []string{"Authorization", "Bearer am-secret"}})
	wantStatus(t, w, 200)
	if got := decode[hookAnswer](t, w); got.Status != "accepted" || got.Incident != "INC-1" {
		t.Errorf("answer %+v, want accepted on INC-1", got)
	}
	if n := x.kicks.Load(); n != 0 {
		t.Errorf("the job runner was woken %d times, want 0", n)
	}
}

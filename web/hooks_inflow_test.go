package web

import (
	"testing"

	"github.com/warroom/warroom/incident"
)

// A hook request counts in the Inflow while it is handled, accepted or
// refused, so that the job runner yields to alerts coming in.
func TestHookRequestsCountInInflow(t *testing.T) {
	inflow := incident.NewInflow(incident.SystemClock{})
	seen := -1
	hook := tokenHook
	hook.Decode = func(body []byte) (incident.AlertGroup, error) {
		seen = inflow.InFlight()
		return decodeTest(body)
	}
	x := newHarness(t, Config{}, withHooks(hook), func(d *Deps) { d.Inflow = inflow })
	w := x.do(req{method: "POST", path: "/hooks/alertmanager", body: firing, header: []string{"Authorization", "Bearer am-secret"}})
	wantStatus(t, w, 200)
	if seen != 1 {
		t.Errorf("while the notification was handled, %d requests were in flight, want 1", seen)
	}
	w = x.do(req{method: "POST", path: "/hooks/alertmanager", body: firing, header: []string{"Authorization", "Bearer wrong"}})
	wantStatus(t, w, 401)
	if n := inflow.InFlight(); n != 0 {
		t.Errorf("after the answers, %d requests in flight, want 0", n)
	}
}

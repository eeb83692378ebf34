package incident

import (
	"sync"
	"time"
)

// Inflow counts the inbound alert requests a replica is handling at the
// moment, so that its job runner yields to them during a burst (an alert
// storm): accepting an alert is where it becomes durable, and a sender
// that times out retries and adds to the storm, while a job is durable
// already and loses nothing by waiting. While any request is in flight,
// only the runner's BurstWorkers run jobs; the others wait until the
// burst has passed or has lasted BurstHold, whichever comes first, so
// that channels of a long storm still open. Its zero value is not
// usable: make one with NewInflow.
type Inflow struct {
	clock Clock
	mu    sync.Mutex
	n     int
	since time.Time     // when the current burst began
	quiet chan struct{} // closed when the current burst ends
}

// NewInflow makes an Inflow timed by clock.
func NewInflow(clock Clock) *Inflow {
	q := make(chan struct{})
	close(q)
	return &Inflow{clock: clock, quiet: q}
}

// Begin counts one inbound request in; call the returned end once, when
// it has been answered.
func (f *Inflow) Begin() (end func()) {
	f.mu.Lock()
	if f.n == 0 {
		f.since, f.quiet = f.clock.Now(), make(chan struct{})
	}
	f.n++
	f.mu.Unlock()
	var once sync.Once
	return func() { once.Do(f.end) }
}

func (f *Inflow) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n--; f.n == 0 {
		close(f.quiet)
	}
}

// burst reports whether requests are in flight, since when, and a
// channel closed when they are all answered.
func (f *Inflow) burst() (busy bool, since time.Time, quiet <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n > 0, f.since, f.quiet
}

// InFlight is the number of inbound requests being handled.
func (f *Inflow) InFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

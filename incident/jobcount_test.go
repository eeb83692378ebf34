package incident

import "testing"

// TestJobCountFailing: jobs being retried count as failing whether they wait
// for their next try or are running it; a job without a failure, or one
// parked or done, does not.
func TestJobCountFailing(t *testing.T) {
	for _, tt := range []struct {
		state   JobState
		failure Failure
		want    bool
	}{
		{JobPending, FailureTransient, true},
		{JobRunning, FailureTransient, true},
		{JobPending, "", false},
		{JobRunning, "", false},
		{JobParked, FailureTransient, false},
		{JobDone, "", false},
	} {
		if got := (JobCount{State: tt.state, Failure: tt.failure}).Failing(); got != tt.want {
			t.Errorf("%s with failure %q: Failing() = %v, want %v", tt.state, tt.failure, got, tt.want)
		}
	}
}

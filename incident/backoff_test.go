package incident

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	r := NewRunner(nil, RunnerConfig{BaseDelay: time.Second, MaxDelay: time.Minute}, SystemClock{}, slog.New(slog.DiscardHandler))
	tests := []struct {
		attempt  int
		err      error
		min, max time.Duration
	}{
		{1, errors.New("x"), 500 * time.Millisecond, time.Second},
		{2, errors.New("x"), time.Second, 2 * time.Second},
		{4, errors.New("x"), 4 * time.Second, 8 * time.Second},
		{30, errors.New("x"), 30 * time.Second, time.Minute},
		{1, &RetryAfter{After: 17 * time.Second, Err: errors.New("429")}, 17 * time.Second, 17 * time.Second},
	}
	for _, tt := range tests {
		for range 200 { // jitter: every draw stays in bounds
			if d := r.backoff(tt.attempt, tt.err); d < tt.min || d > tt.max {
				t.Fatalf("backoff(%d, %v) = %s, want within [%s, %s]", tt.attempt, tt.err, d, tt.min, tt.max)
			}
		}
	}
}

package prometheus

import (
	"testing"
	"time"
)

func TestStepFor(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		span   time.Duration
		target int
		want   time.Duration
	}{
		{"1 h at 300 points", time.Hour, 300, 15 * time.Second},
		{"1 h at 60 points", time.Hour, 60, time.Minute},
		{"1 h at 100 points rounds up", time.Hour, 100, 1 * time.Minute},
		{"5 min never below 1 s", 5 * time.Minute, 10000, time.Second},
		{"default target", 3 * time.Hour, 0, time.Minute},
		{"7 days", 7 * 24 * time.Hour, 300, time.Hour},
		{"a year in whole days", 365 * 24 * time.Hour, 100, 4 * 24 * time.Hour},
		{"empty range", 0, 300, time.Second},
		{"reversed range", -time.Hour, 300, time.Second},
		{"target beyond Prometheus's limit", 24 * time.Hour, 50000, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StepFor(t0, t0.Add(tt.span), tt.target)
			if got != tt.want {
				t.Errorf("StepFor(%v, %d) = %v, want %v", tt.span, tt.target, got, tt.want)
			}
			if tt.span > 0 && tt.span/got >= maxPoints {
				t.Errorf("step %v gives %d points, over Prometheus's limit", got, tt.span/got)
			}
		})
	}
}

package incident

import (
	"testing"
	"time"
)

// The grouping decision: the first MaxNew of a window open alone, the rest
// attach; a window that ran out starts anew, unless the storm goes on
// (the last attach within a window).
func TestGroupingDecide(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	g := Grouping{Window: time.Minute, MaxNew: 2}
	tests := []struct {
		name       string
		w          GroupWindow
		now        time.Time
		want       GroupWindow
		wantAttach bool
	}{
		{"a group never seen opens alone", GroupWindow{}, t0, GroupWindow{Start: t0, Count: 1}, false},
		{"the second in the window opens alone", GroupWindow{Start: t0, Count: 1}, t0.Add(time.Second), GroupWindow{Start: t0, Count: 2}, false},
		{"past max_new it attaches", GroupWindow{Start: t0, Count: 2}, t0.Add(2 * time.Second), GroupWindow{Start: t0, Count: 2, Last: t0.Add(2 * time.Second)}, true},
		{"a new window opens alone again", GroupWindow{Start: t0, Count: 2}, t0.Add(time.Minute), GroupWindow{Start: t0.Add(time.Minute), Count: 1}, false},
		{"the storm goes on past the window", GroupWindow{Start: t0, Count: 2, Last: t0.Add(50 * time.Second)}, t0.Add(100 * time.Second),
			GroupWindow{Start: t0, Count: 2, Last: t0.Add(100 * time.Second)}, true},
		{"a quiet window ends the storm", GroupWindow{Start: t0, Count: 2, Last: t0.Add(time.Second)}, t0.Add(2 * time.Minute),
			GroupWindow{Start: t0.Add(2 * time.Minute), Count: 1, Last: t0.Add(time.Second)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, attach := g.decide(tt.w, tt.now)
			if got != tt.want || attach != tt.wantAttach {
				t.Errorf("decide(%+v) = %+v, %v; want %+v, %v", tt.w, got, attach, tt.want, tt.wantAttach)
			}
		})
	}
	if _, attach := (Grouping{Window: time.Minute}).decide(GroupWindow{}, t0); !attach {
		t.Error("max_new 0 should attach the first alert")
	}
}

// The group's key: its policy and the by labels, a missing one empty.
func TestGroupingKey(t *testing.T) {
	tests := []struct {
		by     []string
		labels map[string]string
		policy string
		want   string
	}{
		{nil, map[string]string{"cluster": "a"}, "", "storm/policy="},
		{[]string{"cluster", "service"}, map[string]string{"cluster": "a", "service": "db"}, "night", "storm/policy=night,cluster=a,service=db"},
		{[]string{"cluster"}, map[string]string{}, "p", "storm/policy=p,cluster="},
	}
	for _, tt := range tests {
		if got := (Grouping{By: tt.by}).groupKey(tt.labels, tt.policy); got != tt.want {
			t.Errorf("groupKey(%v, %v, %q) = %q, want %q", tt.by, tt.labels, tt.policy, got, tt.want)
		}
	}
}

package main

import (
	"strings"
	"testing"
	"time"
)

// The grouping keys: off by default, a window that turns it on, and every
// mistake named with what to write.
func TestGroupingConfigCheck(t *testing.T) {
	tests := []struct {
		name string
		c    GroupingConfig
		want []string // key: text, one per problem
	}{
		{"off", GroupingConfig{}, nil},
		{"max_new without a window is off", GroupingConfig{MaxNew: 10}, nil},
		{"on", GroupingConfig{Window: Duration(5 * time.Minute), MaxNew: 10, By: []string{"cluster", "service"}}, nil},
		{"a negative window", GroupingConfig{Window: Duration(-time.Minute)}, []string{"grouping.window: -1m0s; use a duration such as 1m"}},
		{"by without a window", GroupingConfig{By: []string{"cluster"}}, []string{"grouping.window: not set, but grouping.by is"}},
		{"a tiny window", GroupingConfig{Window: Duration(time.Millisecond)}, []string{"grouping.window: 1ms; use 1s or more"}},
		{"a negative max_new", GroupingConfig{Window: Duration(time.Minute), MaxNew: -1}, []string{"grouping.max_new: -1; use 0 or more"}},
		{"labels empty and twice", GroupingConfig{Window: Duration(time.Minute), By: []string{"cluster", "", "cluster"}},
			[]string{"grouping.by[1]: empty label name", `grouping.by[2]: "cluster" is listed twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var probs problems
			tt.c.check(&probs)
			if len(probs.list) != len(tt.want) {
				t.Fatalf("%d problems %+v, want %d", len(probs.list), probs.list, len(tt.want))
			}
			for i, w := range tt.want {
				key, text, _ := strings.Cut(w, ": ")
				if got := probs.list[i]; got.key != key || !strings.Contains(got.msg, text) {
					t.Errorf("problem %d: %s: %s, want %s: %s…", i, got.key, got.msg, key, text)
				}
			}
		})
	}
}

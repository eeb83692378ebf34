package main

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

// GroupingConfig is the grouping keys: alert storms grouped into one
// parent incident. Off while window is 0.
type GroupingConfig struct {
	Window Duration `yaml:"window"`  // new incidents of a group are counted per window
	MaxNew int      `yaml:"max_new"` // incidents of a group per window that open alone
	By     []string `yaml:"by"`      // label names that split alerts into groups; empty: rate only
}

// check records the problems of the grouping keys.
func (c GroupingConfig) check(probs *problems) {
	w := time.Duration(c.Window)
	switch {
	case w < 0:
		probs.bad("grouping.window", "%s; use a duration such as 1m or 10m, or leave it out to turn grouping off", w)
	case w == 0 && len(c.By) > 0:
		probs.bad("grouping.window", "not set, but grouping.by is; set a window such as 5m to turn grouping on")
	case w > 0 && w < time.Second:
		probs.bad("grouping.window", "%s; use 1s or more (a storm is counted per window)", w)
	}
	if c.MaxNew < 0 {
		probs.bad("grouping.max_new", "%d; use 0 or more (0 groups every new alert of a group)", c.MaxNew)
	}
	seen := map[string]bool{}
	for i, name := range c.By {
		switch {
		case name == "":
			probs.bad(fmt.Sprintf("grouping.by[%d]", i), "empty label name; write a label such as cluster or service")
		case seen[name]:
			probs.bad(fmt.Sprintf("grouping.by[%d]", i), "%q is listed twice", name)
		}
		seen[name] = true
	}
}

// domain is the grouping the Service applies.
func (c GroupingConfig) domain() incident.Grouping {
	return incident.Grouping{Window: time.Duration(c.Window), MaxNew: c.MaxNew, By: c.By}
}

package main

import (
	"fmt"
	"testing"
)

// BenchmarkIncidentPageFollowups is a signed-in person loading the page of
// an incident with 25 follow-ups ("followups"), against the floor of the
// same page with 25 notes instead ("notes"): both have 25 more timeline
// events, so the ratio is what the follow-ups section (one indexed read
// and its rows with their forms) adds to the page.
func BenchmarkIncidentPageFollowups(b *testing.B) {
	for _, what := range []string{"notes", "followups"} {
		b.Run(what, func(b *testing.B) {
			cfg := testConfig(b)
			cfg.Log.Level = "error"
			h := startHarness(b, cfg)
			h.api("POST", "/incidents", map[string]string{"title": "checkout slow", "severity": "high"})
			for i := range 25 {
				if code := h.apiInto("POST", "/incidents/INC-1/"+what, map[string]string{"text": fmt.Sprintf("action item %d: add an alert", i)}, nil); code/100 != 2 {
					b.Fatalf("%s %d: %d", what, i, code)
				}
			}
			h.waitJobsDone("INC-1")
			h.login("alice")
			benchGET(b, h, "/incidents/INC-1", nil)
		})
	}
}

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/singleton"
)

// The lease timings come from singletons.* and jobs.lease (file or
// environment), default to the timings the README promises, and are
// refused when a holder could still run after its lease lapsed.
func TestSingletonAndJobLeaseConfig(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		want    singleton.Config
		lease   time.Duration
		wantErr []string
	}{
		{name: "defaults", want: singleton.Config{TTL: 10 * time.Second, RenewEvery: 3 * time.Second, Retry: 2 * time.Second}, lease: time.Minute},
		{name: "from the file", file: "singletons:\n  ttl: 4s\n  renew_every: 1s\n  retry: 250ms\njobs:\n  lease: 3s\n",
			want: singleton.Config{TTL: 4 * time.Second, RenewEvery: time.Second, Retry: 250 * time.Millisecond}, lease: 3 * time.Second},
		{name: "from the environment", env: []string{"WARROOM_SINGLETONS_TTL=30s", "WARROOM_SINGLETONS_RETRY=5s", "WARROOM_JOBS_LEASE=2m"},
			want: singleton.Config{TTL: 30 * time.Second, RenewEvery: 3 * time.Second, Retry: 5 * time.Second}, lease: 2 * time.Minute},
		{name: "renewal too slow for the ttl", file: "singletons:\n  ttl: 5s\n  renew_every: 3s\n",
			wantErr: []string{"line 3: singletons.renew_every: 3s with ttl 5s: renew more than twice per ttl"}},
		{name: "zero and negative timings", file: "singletons:\n  ttl: 0s\n  retry: -1s\njobs:\n  lease: 500ms\n",
			wantErr: []string{"line 5: jobs.lease: 500ms; use 1s or more", "line 2: singletons.ttl: 0s; use 100ms or more", "line 3: singletons.retry: -1s; use 100ms or more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeConfig(t, tt.file)
			}
			c, _, err := loadConfig(path, tt.env)
			if tt.wantErr != nil {
				got := strings.Join(problemLines(err), "\n")
				for _, w := range tt.wantErr {
					if !strings.Contains(got, w) {
						t.Errorf("problems:\n%s\nwant a line with %q", got, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Singletons.singletonConfig(); got != tt.want {
				t.Errorf("singletons = %+v, want %+v", got, tt.want)
			}
			if got := c.Jobs.runnerConfig(nil).Lease; got != tt.lease {
				t.Errorf("jobs lease = %s, want %s", got, tt.lease)
			}
		})
	}
}

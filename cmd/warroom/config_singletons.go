package main

import (
	"time"

	"github.com/warroom/warroom/incident/singleton"
)

// SingletonsConfig times the leases under which the tasks that run on one
// replica at a time (the Icinga 2 follower, the pin watcher, pruning) are
// held; see README "HA". The defaults take a dead holder's task over
// within 12 s.
type SingletonsConfig struct {
	TTL        Duration `yaml:"ttl"`         // how long a holding lasts unrenewed
	RenewEvery Duration `yaml:"renew_every"` // how often the holder renews (also a renewal's time limit)
	Retry      Duration `yaml:"retry"`       // how often a standby tries to take a lease
}

func defaultSingletons() SingletonsConfig {
	return SingletonsConfig{TTL: Duration(singleton.DefaultTTL), RenewEvery: Duration(singleton.DefaultRenewEvery),
		Retry: Duration(singleton.DefaultRetry)}
}

// singletonConfig is the singleton package's Config from the keys.
func (c SingletonsConfig) singletonConfig() singleton.Config {
	return singleton.Config{TTL: time.Duration(c.TTL), RenewEvery: time.Duration(c.RenewEvery), Retry: time.Duration(c.Retry)}
}

// check records the problems of the singletons keys: each timing positive,
// and renewals well inside the TTL (singleton.Config.Validate), so that a
// holder stops before anyone else may start.
func (c SingletonsConfig) check(probs *problems) {
	bad := false
	for _, k := range []struct {
		key string
		d   Duration
	}{{"singletons.ttl", c.TTL}, {"singletons.renew_every", c.RenewEvery}, {"singletons.retry", c.Retry}} {
		if time.Duration(k.d) < 100*time.Millisecond {
			probs.bad(k.key, "%s; use 100ms or more (the defaults: ttl 10s, renew_every 3s, retry 2s)", time.Duration(k.d))
			bad = true
		}
	}
	if bad {
		return
	}
	if err := c.singletonConfig().Validate(); err != nil {
		probs.bad("singletons.renew_every", "%s with ttl %s: renew more than twice per ttl (e.g. ttl 10s, renew_every 3s), so that a holder that cannot renew stops before the lease lapses",
			time.Duration(c.RenewEvery), time.Duration(c.TTL))
	}
}

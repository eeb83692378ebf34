package pagerduty

import (
	"errors"
	"fmt"
)

// Config is what the client needs to know about PagerDuty (in warroom's
// config, paging.pagerduty). Validate checks it; each problem is one error
// whose text starts with the key it is about.
type Config struct {
	// URL is the Events API's base URL; empty means DefaultURL. The full
	// endpoint (ending in /v2/enqueue) is accepted too.
	URL string `yaml:"url"`
	// RoutingKey is the 32-character integration key of an "Events API v2"
	// integration on a PagerDuty service or ruleset (not a REST API key).
	// It is the only credential the Events API asks for: keep it secret.
	RoutingKey string `yaml:"routing_key"`
}

// Validate reports what New would refuse, each problem by its key.
func (c Config) Validate() error {
	var errs []error
	if _, err := endpointURL(c.URL); err != nil {
		errs = append(errs, fmt.Errorf("url: %w", err))
	}
	if err := checkRoutingKey(c.RoutingKey); err != nil {
		errs = append(errs, fmt.Errorf("routing_key: %w", err))
	}
	return errors.Join(errs...)
}

package prometheus

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Config is prometheus in warroom's config: where graphs come from, and
// the window they show around an alert's start. Validate checks it; each
// problem is one error whose text starts with the key it is about.
type Config struct {
	URL      string        `yaml:"url"`       // Prometheus's base URL; empty: no graphs
	TimeZone string        `yaml:"time_zone"` // IANA name for the graphs' time axis, e.g. Europe/Berlin
	Before   time.Duration `yaml:"before"`    // how far before an alert's start graphs begin
	After    time.Duration `yaml:"after"`     // and after it they end (capped at now)
}

// DefaultConfig is prometheus when the config says nothing.
func DefaultConfig() Config {
	return Config{TimeZone: "UTC", Before: time.Hour, After: 15 * time.Minute}
}

// Validate reports every problem of the graph settings (none when URL is
// empty: there are no graphs), joined.
func (c Config) Validate() error {
	if c.URL == "" {
		return nil
	}
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: %q is not an http(s) URL, e.g. http://prometheus:9090", c.URL))
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		errs = append(errs, fmt.Errorf("time_zone: %q is not a known IANA time zone; use a name such as Europe/Berlin or UTC", c.TimeZone))
	}
	if c.Before < 0 || c.After < 0 {
		errs = append(errs, fmt.Errorf("before: %s and after %s; use 0 or more", c.Before, c.After))
	}
	return errors.Join(errs...)
}

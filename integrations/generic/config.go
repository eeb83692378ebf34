package generic

import "errors"

// Config is sources.generic in warroom's config: the hook's token and the
// mapping. Validate checks it; each problem is one error whose text starts
// with the key it is about.
type Config struct {
	// Token is the bearer token POST /hooks/generic requires.
	Token   string `yaml:"token"`
	Mapping `yaml:",inline"`
}

// Mapping says where each field of an alert is in the JSON, as templates
// over the decoded body ({{.title}}, {{.alert.labels.service}}, ...).
type Mapping struct {
	Title    string            `yaml:"title"`     // required
	Summary  string            `yaml:"summary"`   // optional
	Severity string            `yaml:"severity"`  // a severity name or alias; empty or unknown: warning
	DedupKey string            `yaml:"dedup_key"` // required: same key, same incident
	Resolved string            `yaml:"resolved"`  // renders "true" when the alert is over
	StartsAt string            `yaml:"starts_at"` // RFC 3339 or Unix seconds; empty: when it arrived
	Labels   map[string]string `yaml:"labels"`    // label name -> template
	Links    map[string]string `yaml:"links"`     // link title -> template
}

// Enabled reports whether the hook is on: a mapping with a title or a
// dedup key is meant to be used (and must then be complete).
func (c Config) Enabled() bool { return c.Title != "" || c.DedupKey != "" }

// Validate reports every problem of an enabled mapping: a required
// template missing, a template that does not parse.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	_, errs := compile(c.Mapping)
	return errors.Join(errs...)
}

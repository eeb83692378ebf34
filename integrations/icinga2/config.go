package icinga2

import (
	"errors"
	"fmt"
	"net/url"
)

// Config is sources.icinga2 in warroom's config: the event stream (with
// URL) and POST /hooks/icinga2 (with Token). Validate checks it; each
// problem is one error whose text starts with the key it is about.
type Config struct {
	URL      string `yaml:"url"`  // https://icinga.example.com:5665; empty: no event stream
	User     string `yaml:"user"` // an ApiUser
	Password string `yaml:"password"`
	CAFile   string `yaml:"ca_file"` // PEM of Icinga's CA (its API uses a self-signed one)
	// ServerName is the name in Icinga's API certificate (its node name),
	// when the URL uses another name or an IP address.
	ServerName string `yaml:"server_name"`
	Queue      string `yaml:"queue"` // event queue name, unique per warroom instance
	// Token is the bearer token POST /hooks/icinga2 requires; empty: the
	// hook is off.
	Token string `yaml:"token"`
}

// Validate reports every problem of the event stream's settings (none
// when URL is empty: the stream is off), each as one error "key: what to
// do", joined.
func (c Config) Validate() error {
	if c.URL == "" {
		return nil
	}
	return errors.Join(c.required()...)
}

// required is what New needs to build a client at all.
func (c Config) required() []error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: %q is not Icinga 2's API URL, e.g. https://icinga.example.com:5665", c.URL))
	}
	if c.User == "" {
		errs = append(errs, errors.New("user: empty; give the ApiUser warroom signs in as"))
	}
	return errs
}

package grafana

import (
	"errors"
	"net/textproto"
	"strconv"
	"strings"
)

// Config is sources.grafana in warroom's config: how POST /hooks/grafana
// checks the contact point's requests. Validate checks it; each problem is
// one error whose text starts with the key it is about.
type Config struct {
	Secret          string `yaml:"secret"`           // HMAC secret of the contact point
	Header          string `yaml:"header"`           // signature header (default X-Grafana-Alerting-Signature)
	TimestampHeader string `yaml:"timestamp_header"` // optional timestamp header
	Token           string `yaml:"token"`            // optional Bearer token
}

// SignatureHeader is the header Grafana sends the HMAC signature in unless
// the contact point names another.
const SignatureHeader = "X-Grafana-Alerting-Signature"

// DefaultConfig is sources.grafana when the config says nothing.
func DefaultConfig() Config { return Config{Header: SignatureHeader} }

// Validate reports every problem, joined.
func (c Config) Validate() error {
	var errs []error
	for _, h := range []struct{ key, value string }{{"header", c.Header}, {"timestamp_header", c.TimestampHeader}} {
		if h.value != "" && (strings.ContainsAny(h.value, " :\t") || textproto.CanonicalMIMEHeaderKey(h.value) == "") {
			errs = append(errs, errors.New(h.key+": "+strconv.Quote(h.value)+" is not a header name, e.g. X-Grafana-Alerting-Signature"))
		}
	}
	if c.Secret != "" && c.Header == "" {
		errs = append(errs, errors.New("header: empty while secret is set; give the header Grafana sends the signature in (default X-Grafana-Alerting-Signature)"))
	}
	return errors.Join(errs...)
}

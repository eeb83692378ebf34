package promtest

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Options adjust the Prometheus that StartWith runs.
type Options struct {
	// Interval is the scrape and rule evaluation interval; zero means 1 s.
	Interval time.Duration
	// RuleFiles are alerting and recording rule files to load. Relative paths
	// are taken from the test's working directory (its package directory).
	RuleFiles []string
	// AlertmanagerURL, when set, is the Alertmanager that firing alerts are
	// sent to, for example "http://127.0.0.1:9093". Alerts are re-sent every
	// second (--rules.alert.resend-delay=1s) so tests need not wait.
	AlertmanagerURL string
	// Args are extra command-line flags, for example "--query.lookback-delta=1m".
	Args []string
}

// config writes the prometheus.yml for a server on port: it scrapes itself,
// loads the rule files and sends alerts to the Alertmanager if any.
func (o Options) config(port int) (string, error) {
	iv := o.Interval
	if iv <= 0 {
		iv = time.Second
	}
	var b strings.Builder
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  evaluation_interval: %s\n", promDuration(iv), promDuration(iv))
	fmt.Fprintf(&b, "scrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: [%s]\n",
		strconv.Quote("127.0.0.1:"+strconv.Itoa(port)))
	if len(o.RuleFiles) > 0 {
		b.WriteString("rule_files:\n")
		for _, f := range o.RuleFiles {
			abs, err := filepath.Abs(f)
			if err != nil {
				return "", fmt.Errorf("rule file %q: %w", f, err)
			}
			fmt.Fprintf(&b, "  - %s\n", strconv.Quote(abs))
		}
	}
	if o.AlertmanagerURL != "" {
		u, err := url.Parse(o.AlertmanagerURL)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("alertmanager URL %q: want scheme://host:port[/prefix]", o.AlertmanagerURL)
		}
		fmt.Fprintf(&b, "alerting:\n  alertmanagers:\n    - scheme: %s\n      path_prefix: %s\n      static_configs:\n        - targets: [%s]\n",
			u.Scheme, strconv.Quote(u.Path+"/"), strconv.Quote(u.Host))
	}
	return b.String(), nil
}

// promDuration writes d the way Prometheus's configuration reads it.
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

package amtest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ReceiverName is the name of the one receiver every alert is routed to; it
// is the webhook's "receiver" field.
const ReceiverName = "warroom"

// Options adjust the Alertmanager that Start runs.
type Options struct {
	// WebhookURL is where every notification is POSTed (required), for
	// example an httptest server's URL plus warroom's hook path.
	WebhookURL string
	// BearerToken, when set, is sent as "Authorization: Bearer <token>"
	// (http_config.authorization.credentials).
	BearerToken string
	// GroupWait is how long a new group waits before its first
	// notification; zero means 1 s.
	GroupWait time.Duration
	// GroupInterval is how long a group waits before notifying about
	// changes (new alerts, resolutions); zero means 5 s.
	GroupInterval time.Duration
	// RepeatInterval is how long before an unchanged firing group is sent
	// again; zero means Alertmanager's default, 4 h.
	RepeatInterval time.Duration
	// GroupBy are the labels alerts are grouped by; nil means
	// ["alertname"], so the groupKey reads {}:{alertname="..."}. A non-nil
	// empty slice puts every alert into one group ({}:{}); ["..."] gives
	// every alert its own group.
	GroupBy []string
	// Args are extra command-line flags, for example "--log.level=debug".
	Args []string
}

// withDefaults fills in the zero fields.
func (o Options) withDefaults() Options {
	if o.GroupWait <= 0 {
		o.GroupWait = time.Second
	}
	if o.GroupInterval <= 0 {
		o.GroupInterval = 5 * time.Second
	}
	if o.RepeatInterval <= 0 {
		o.RepeatInterval = 4 * time.Hour
	}
	if o.GroupBy == nil {
		o.GroupBy = []string{"alertname"}
	}
	return o
}

// config writes the alertmanager.yml: one route to one webhook receiver.
func (o Options) config() (string, error) {
	u, err := url.Parse(o.WebhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("webhook URL %q: want http(s)://host[:port]/path", o.WebhookURL)
	}
	o = o.withDefaults()
	quoted := make([]string, len(o.GroupBy))
	for i, l := range o.GroupBy {
		quoted[i] = strconv.Quote(l)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "route:\n  receiver: %s\n  group_by: [%s]\n  group_wait: %s\n  group_interval: %s\n  repeat_interval: %s\n",
		ReceiverName, strings.Join(quoted, ", "), amDuration(o.GroupWait), amDuration(o.GroupInterval), amDuration(o.RepeatInterval))
	fmt.Fprintf(&b, "receivers:\n  - name: %s\n    webhook_configs:\n      - url: %s\n        send_resolved: true\n",
		ReceiverName, strconv.Quote(o.WebhookURL))
	if o.BearerToken != "" {
		fmt.Fprintf(&b, "        http_config:\n          authorization:\n            type: Bearer\n            credentials: %s\n",
			strconv.Quote(o.BearerToken))
	}
	return b.String(), nil
}

// amDuration writes d the way Alertmanager's configuration reads it.
func amDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

package icinga2

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// event is one line of the event stream (and the notification hook's body).
type event struct {
	Type           string         `json:"type"`
	Timestamp      float64        `json:"timestamp"`
	Host           string         `json:"host"`
	Service        string         `json:"service"`
	State          *float64       `json:"state"`
	StateType      *float64       `json:"state_type"`
	Author         string         `json:"author"`
	Comment        string         `json:"comment"`
	CheckResult    *checkResult   `json:"check_result"`
	DowntimeDepth  float64        `json:"downtime_depth"`
	Acknowledgment bool           `json:"acknowledgement"`
	Downtime       *downtimeAttrs `json:"downtime"` // of the Downtime* events
}

type checkResult struct {
	Output string  `json:"output"`
	State  float64 `json:"state"`
}

func (e event) at() time.Time {
	sec, frac := math.Modf(e.Timestamp)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// key is the object's name: "host!service", or "host" for a host check.
func (e event) key() string {
	if e.Service == "" {
		return e.Host
	}
	return e.Host + "!" + e.Service
}

func (e event) isHost() bool { return e.Service == "" }

// hard reports whether the state change is HARD; SOFT ones are noise.
func (e event) hard() bool { return e.StateType != nil && *e.StateType == 1 }

func (e event) state() int {
	if e.State != nil {
		return int(*e.State)
	}
	if e.CheckResult != nil {
		return int(e.CheckResult.State)
	}
	return -1
}

// stateName names a state the way Icinga shows it.
func (e event) stateName() string {
	s := e.state()
	if e.isHost() {
		return map[int]string{0: "UP", 1: "DOWN"}[s]
	}
	return map[int]string{0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}[s]
}

func (e event) severity() incident.Severity {
	switch {
	case e.isHost() && e.state() == 1:
		return incident.SeverityCritical
	case e.state() == 2:
		return incident.SeverityCritical
	case e.state() == 1, e.state() == 3:
		return incident.SeverityWarning
	}
	return 0
}

// group maps a HARD state change to an alert group: the object is the
// dedup key, so a flapping service reopens its incident rather than
// opening new ones.
func (e event) group(linkBase string) incident.AlertGroup {
	output := ""
	if e.CheckResult != nil {
		output = strings.TrimSpace(e.CheckResult.Output)
	}
	what := e.Service + " on " + e.Host
	if e.isHost() {
		what = "host " + e.Host
	}
	labels := map[string]string{"host": e.Host}
	if !e.isHost() {
		labels["service"] = e.Service
	}
	firing := e.state() != 0
	sum := sha256.Sum256([]byte(e.key()))
	alert := incident.Alert{Fingerprint: hex.EncodeToString(sum[:8]), Firing: firing, Name: what,
		Summary: e.stateName() + ": " + output, Labels: labels, StartsAt: e.at(), EndsAt: e.at()}
	g := incident.AlertGroup{Source: Source, DedupKey: e.key(), Title: what, Summary: e.stateName() + ": " + output,
		Severity: e.severity(), Labels: labels, Alerts: []incident.Alert{alert}}
	if linkBase != "" {
		g.Links = []incident.Link{{Title: "Icinga", URL: linkBase}}
	}
	return g
}

func decodeEvent(line []byte) (event, error) {
	var e event
	if err := json.Unmarshal(line, &e); err != nil {
		return e, fmt.Errorf("event is not JSON: %w", err)
	}
	if e.Host == "" && e.Downtime != nil {
		e.Host, e.Service = e.Downtime.HostName, e.Downtime.ServiceName
	}
	if e.Host == "" {
		// Without a host there is no object to key an incident by.
		return e, fmt.Errorf("%s event without a host: not an event of a checked object", e.Type)
	}
	return e, nil
}

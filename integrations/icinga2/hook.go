package icinga2

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// HookPath is where a notification script posts.
const HookPath = "/hooks/icinga2"

// notification is the JSON a notification command sends, built from
// Icinga's macros, e.g. for a service:
//
//	{"host": "$host.name$", "service": "$service.name$", "state": "$service.state$",
//	 "state_type": "$service.state_type$", "output": "$service.output$",
//	 "notification_type": "$notification.type$", "author": "$notification.author$",
//	 "timestamp": "$icinga.timet$"}
type notification struct {
	Host             string `json:"host"`
	Service          string `json:"service"`
	State            string `json:"state"`      // OK, WARNING, CRITICAL, UNKNOWN, UP, DOWN (or a number)
	StateType        string `json:"state_type"` // HARD or SOFT (or 1/0)
	Output           string `json:"output"`
	NotificationType string `json:"notification_type"` // PROBLEM, RECOVERY, ACKNOWLEDGEMENT, ...
	Author           string `json:"author"`
	Timestamp        string `json:"timestamp"` // Unix seconds
}

var stateNumbers = map[string]float64{"OK": 0, "UP": 0, "WARNING": 1, "DOWN": 1, "CRITICAL": 2, "UNKNOWN": 3}

// Hook takes a notification script's JSON on POST /hooks/icinga2, for
// setups that notify through a script instead of (or besides) the event
// stream. It needs no API client, so a script alone is enough.
type Hook struct {
	// Token must come as "Authorization: Bearer <token>"; an empty token
	// refuses every request.
	Token string
	// LinkBase is the Icinga 2 URL an incident links to; empty: no link.
	LinkBase string
}

// Handle serves POST /hooks/icinga2: HARD state changes become alert
// notifications of svc, acknowledgements ack the incident.
func (h Hook) Handle(svc Incidents) func(ctx context.Context, r *http.Request, body []byte) (any, error) {
	return func(ctx context.Context, r *http.Request, body []byte) (any, error) {
		if h.Token == "" {
			return nil, incident.Errorf(incident.KindUnauthorized, "POST /hooks/icinga2 is off: set sources.icinga2.token (make one with `warroom secret`)")
		}
		got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) != 1 {
			return nil, incident.Errorf(incident.KindUnauthorized, "missing or wrong token: send \"Authorization: Bearer <sources.icinga2.token>\"")
		}
		var n notification
		if err := json.Unmarshal(body, &n); err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "body is not the notification JSON: %v", err)
		}
		if n.Host == "" {
			return nil, incident.Errorf(incident.KindInvalid, "host is missing: pass $host.name$")
		}
		e, err := n.event()
		if err != nil {
			return nil, err
		}
		if err := apply(ctx, svc, e, strings.TrimRight(h.LinkBase, "/")); err != nil {
			return nil, err
		}
		return map[string]string{"status": "accepted", "object": e.key()}, nil
	}
}

func (n notification) event() (event, error) {
	e := event{Host: n.Host, Service: n.Service, Author: n.Author, Timestamp: float64(time.Now().Unix()),
		CheckResult: &checkResult{Output: n.Output}}
	if ts, err := strconv.ParseFloat(n.Timestamp, 64); err == nil {
		e.Timestamp = ts
	}
	switch strings.ToUpper(n.NotificationType) {
	case "ACKNOWLEDGEMENT":
		e.Type = "AcknowledgementSet"
		return e, nil
	case "PROBLEM", "RECOVERY", "CUSTOM", "":
		e.Type = "StateChange"
	default:
		e.Type = "ignored" // downtime and flapping notifications change nothing
		return e, nil
	}
	state, ok := stateNumbers[strings.ToUpper(n.State)]
	if !ok {
		v, err := strconv.ParseFloat(n.State, 64)
		if err != nil {
			return e, incident.Errorf(incident.KindInvalid, "state %q: use OK, WARNING, CRITICAL, UNKNOWN, UP, DOWN or a number", n.State)
		}
		state = v
	}
	hard := 1.0
	if st := strings.ToUpper(n.StateType); st == "SOFT" || st == "0" {
		hard = 0
	}
	e.State, e.StateType = &state, &hard
	return e, nil
}

package web

import (
	"context"
	"net/http"

	"github.com/warroom/warroom/incident"
)

// alertHook persists the notification and answers at once; channels, posts
// and tickets follow from the job queue. A 4xx tells the sender not to
// retry (the body is wrong); a 5xx tells it to retry (warroom could not
// store it).
func (s *Server) alertHook(h Hook) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Inflow != nil {
			defer s.Inflow.Begin()()
		}
		body, err := readBody(r, s.cfg.MaxBodyBytes)
		if err == nil && h.Verify != nil {
			err = s.limited(w, r, func() error { return h.Verify(r, body) })
		}
		if err == nil {
			var g incident.AlertGroup
			if g, err = h.Decode(body); err == nil {
				var res incident.IngestResult
				if res, err = s.Alerts.IngestAlerts(r.Context(), g); err == nil {
					s.countHook(h.Source, "accepted")
					if !res.Unchanged {
						s.kick() // a repeat enqueued nothing: no worker to wake
					}
					out := map[string]any{"status": "accepted"}
					if res.Incident != nil {
						out["incident"] = res.Incident.Key
						out["created"] = res.Created
					} else {
						out["status"], out["reason"] = "ignored", res.Ignored
					}
					writeJSON(w, http.StatusOK, out)
					return
				}
			}
		}
		s.countHook(h.Source, "rejected")
		s.writeError(w, r, err)
	}
}

// Callback is an integration's inbound request (a slash command, a button
// click, a ticket system's webhook), handed in by cmd. Handle authenticates and
// runs the request and returns what to answer as JSON; its errors are
// answered like every other error, from one place.
type Callback struct {
	Path   string // e.g. /chat/mattermost/command
	Source string // for metrics and logs
	Handle func(ctx context.Context, r *http.Request, body []byte) (any, error)
}

func (s *Server) callback(h Callback) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r, s.cfg.MaxBodyBytes)
		if err == nil {
			var out any
			err = s.limited(w, r, func() (err error) { out, err = h.Handle(r.Context(), r, body); return err })
			if err == nil {
				s.countHook(h.Source, "accepted")
				s.kick()
				writeJSON(w, http.StatusOK, out)
				return
			}
		}
		s.countHook(h.Source, "rejected")
		s.writeError(w, r, err)
	}
}

func (s *Server) countHook(source, outcome string) {
	if s.Metrics != nil {
		s.Metrics.hooks.WithLabelValues(source, outcome).Inc()
	}
}

// kick wakes the job runner after a change that enqueued jobs.
func (s *Server) kick() {
	if s.Kick != nil {
		s.Kick()
	}
}

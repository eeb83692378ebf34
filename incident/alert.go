package incident

import "time"

// AlertGroup is one notification from an alert source, normalised. Every
// source (Alertmanager, Grafana, Icinga 2, generic) maps its payload to it.
type AlertGroup struct {
	Source   string            // alertmanager, grafana, ...
	DedupKey string            // same key => same incident
	Title    string            // what the incident is called if this opens one
	Summary  string            // longer text
	Severity Severity          // 0 means: derive from labels, else warning
	Labels   map[string]string // labels common to the group
	Links    []Link            // runbook, generator, silence, dashboard
	Queries  []string          // PromQL to graph (the warroom_graph annotation)
	Alerts   []Alert           // the individual alerts, firing or resolved
}

// Alert is one alert within a group.
type Alert struct {
	Fingerprint string
	Firing      bool
	Name        string
	Summary     string
	Labels      map[string]string
	StartsAt    time.Time
	EndsAt      time.Time
}

// AllResolved reports whether every alert in the group has resolved.
func (g *AlertGroup) AllResolved() bool {
	for _, a := range g.Alerts {
		if a.Firing {
			return false
		}
	}
	return len(g.Alerts) > 0
}

// Validate checks what every source must provide.
func (g *AlertGroup) Validate() error {
	if g.DedupKey == "" {
		return Errorf(KindInvalid, "alert group has no correlation key; without it repeats cannot be matched")
	}
	if len(g.Alerts) == 0 {
		return Errorf(KindInvalid, "alert group holds no alerts")
	}
	if g.Title == "" {
		return Errorf(KindInvalid, "alert group has no name: set an alertname label or a summary annotation")
	}
	return nil
}

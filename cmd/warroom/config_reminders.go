package main

import (
	"time"

	"github.com/warroom/warroom/incident"
)

// checkReminders records the problems of incidents.status_reminders: each
// key a severity, each value 0 (off) or at least a minute.
func (c IncidentsConfig) checkReminders(probs *problems) {
	for name, d := range c.StatusReminders {
		key := "incidents.status_reminders." + name
		if _, err := incident.ParseSeverity(name); err != nil {
			probs.bad(key, "%s", incident.ErrorMessage(err))
		} else if v := time.Duration(d); v != 0 && v < minReminder {
			probs.bad(key, "%s; use 1m or more, or 0s for no reminders", v)
		}
	}
}

// reminders is the status cadence for incident.Deps.Reminders.
func (c IncidentsConfig) reminders() map[incident.Severity]time.Duration {
	if c.StatusReminders == nil {
		return incident.DefaultReminders()
	}
	out := map[incident.Severity]time.Duration{}
	for name, d := range c.StatusReminders {
		if sev, err := incident.ParseSeverity(name); err == nil && d > 0 {
			out[sev] = time.Duration(d)
		}
	}
	return out
}

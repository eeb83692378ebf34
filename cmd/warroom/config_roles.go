package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// IncidentsConfig is the incidents section: the roles people can hold
// besides the commander, and the status cadence (config_reminders.go).
type IncidentsConfig struct {
	// Roles are the role names besides the commander; unset means
	// comms and scribe, [] none.
	Roles []string `yaml:"roles"`
	// StatusReminders is, per severity, how long an incident may go
	// without a status update before its channel is reminded; unset means
	// critical 30m and high 1h, and a severity not listed gets none.
	StatusReminders map[string]Duration `yaml:"status_reminders"`
}

// check records the problems of the incidents keys.
func (c IncidentsConfig) check(probs *problems) {
	if err := incident.CheckRoleNames(c.Roles); err != nil {
		probs.bad("incidents.roles", "%s", incident.ErrorMessage(err))
	}
	c.checkReminders(probs)
}

// roles are the role names for incident.Deps.Roles.
func (c IncidentsConfig) roles() []string {
	if c.Roles == nil {
		return incident.DefaultRoles()
	}
	return c.Roles
}

// incidentsLines says what check-config resolved the section to.
func incidentsLines(c IncidentsConfig) []string {
	roles := strings.Join(c.roles(), ", ")
	every := c.reminders()
	var cadence []string
	for _, name := range incident.SeverityNames() {
		sev, _ := incident.ParseSeverity(name)
		if d := every[sev]; d > 0 {
			cadence = append(cadence, name+" "+d.String())
		}
	}
	return []string{
		fmt.Sprintf("incidents.roles: commander, %s", or(roles, "(no others)")),
		fmt.Sprintf("incidents.status_reminders: %s", or(strings.Join(cadence, ", "), "none")),
	}
}

// minReminder is the shortest status cadence accepted: shorter would be
// noise, not a reminder.
const minReminder = time.Minute

package incident

import "sort"

// Route is what the routing rules decide for an incident from its labels.
type Route struct {
	Severity    Severity // 0: keep what the source said
	Invite      []string // usernames invited to the channel
	ChannelName string   // a template for the channel's name; "": the default
	Runbook     string   // a runbook by name; "": match by front matter
	Queries     []string // PromQL graphed for it
	Policy      string   // escalation policy; "": the default
	Broadcast   string   // a stakeholder channel that gets each status update; "": none
}

// Rule routes incidents whose labels match: every label in Match must have
// that value ("*" means: present with any value).
type Rule struct {
	Match map[string]string
	Route
}

// Router applies rules in order: every matching rule adds its invitees and
// queries, and the last matching rule that sets a severity, channel name,
// runbook, policy or broadcast channel wins.
type Router []Rule

// Route returns the combined route for labels.
func (r Router) Route(labels map[string]string) Route {
	var out Route
	for _, rule := range r {
		if !rule.matches(labels) {
			continue
		}
		if rule.Severity.Valid() {
			out.Severity = rule.Severity
		}
		if rule.ChannelName != "" {
			out.ChannelName = rule.ChannelName
		}
		if rule.Runbook != "" {
			out.Runbook = rule.Runbook
		}
		if rule.Policy != "" {
			out.Policy = rule.Policy
		}
		if rule.Broadcast != "" {
			out.Broadcast = rule.Broadcast
		}
		out.Invite = appendNew(out.Invite, rule.Invite...)
		out.Queries = appendNew(out.Queries, rule.Queries...)
	}
	return out
}

func (rule Rule) matches(labels map[string]string) bool {
	keys := make([]string, 0, len(rule.Match))
	for k := range rule.Match {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, ok := labels[k]
		if !ok || (rule.Match[k] != "*" && rule.Match[k] != v) {
			return false
		}
	}
	return true
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		if m != "" && !contains(list, m) {
			list = append(list, m)
		}
	}
	return list
}

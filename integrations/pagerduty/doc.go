// Package pagerduty pages people through PagerDuty's Events API v2: it
// triggers an alert for an incident, acknowledges it and resolves it, all
// keyed by a dedup_key that warroom chooses (the incident's), so that every
// call can be repeated safely.
//
// It is a small client of its own rather than github.com/PagerDuty/go-pagerduty:
// the Events API v2 is one POST of a JSON body with three fields that matter
// (routing_key, event_action, dedup_key) and a payload, answered by a status
// code. The SDK would bring a large REST API surface and its own error types
// for that one call, and its errors do not say whether to retry; here the
// answer maps straight onto the domain's error kinds (the rule every
// adapter shares, integrations/internal/httpclass):
//
//	202               success
//	400               incident.KindPermanent, quoting PagerDuty's message and errors
//	429               *incident.RetryAfter around incident.KindTransient
//	503 + Retry-After *incident.RetryAfter around incident.KindTransient
//	408, 5xx, network incident.KindTransient
//	other 4xx         incident.KindPermanent (a wrong URL, a proxy refusing)
//
// Events are checked before they are sent (incident.KindInvalid), so that a
// mistake is reported in warroom's words rather than PagerDuty's and no
// request is wasted on it.
//
// The wire types stay in this package. Package pdtest holds a fake of the
// endpoint for tests.
package pagerduty

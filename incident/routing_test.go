package incident

import (
	"reflect"
	"testing"
)

func TestRouter(t *testing.T) {
	r := Router{
		{Match: map[string]string{"team": "payments"}, Route: Route{Invite: []string{"alice", "bob"}, Queries: []string{"rate(payments_errors[5m])"}}},
		{Match: map[string]string{"team": "payments", "env": "prod"}, Route: Route{Severity: SeverityCritical, ChannelName: "pay-{{.Incident.ID}}"}},
		{Match: map[string]string{"service": "*"}, Route: Route{Invite: []string{"bob", "sre"}, Runbook: "generic"}},
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   Route
	}{
		{"payments staging", map[string]string{"team": "payments", "env": "staging"},
			Route{Invite: []string{"alice", "bob"}, Queries: []string{"rate(payments_errors[5m])"}}},
		{"payments prod with a service", map[string]string{"team": "payments", "env": "prod", "service": "api"},
			Route{Severity: SeverityCritical, ChannelName: "pay-{{.Incident.ID}}", Runbook: "generic", Invite: []string{"alice", "bob", "sre"},
				Queries: []string{"rate(payments_errors[5m])"}}},
		{"no match", map[string]string{"team": "search"}, Route{}},
		{"no labels", nil, Route{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Route(tt.labels); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Route = %+v, want %+v", got, tt.want)
			}
		})
	}
}

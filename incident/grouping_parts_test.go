package incident_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// Grouping by labels: past max_new, an alert of the same cluster and
// policy attaches to a new parent; another cluster, or the same cluster
// routed to another escalation policy, is another group and opens alone.
// Only the incidents that stand alone (and the parent) get a channel.
func TestGroupingByLabelsAndPolicy(t *testing.T) {
	chat := &recordingChat{}
	router := incident.Router{{Match: map[string]string{"team": "db"}, Route: incident.Route{Policy: "night"}}}
	p := newParts(t, filepath.Join(t.TempDir(), "w.db"), incident.Deps{Chat: chat, Router: router,
		Grouping: incident.Grouping{Window: time.Hour, MaxNew: 1, By: []string{"cluster"}}})
	ctx := context.Background()
	ingest := func(key string, labels map[string]string) *incident.Incident {
		t.Helper()
		res, err := p.svc.IngestAlerts(ctx, incident.AlertGroup{Source: "alertmanager", DedupKey: key, Title: key, Labels: labels,
			Alerts: []incident.Alert{{Fingerprint: key, Firing: true}}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Incident
	}
	tests := []struct {
		key      string
		labels   map[string]string
		attached bool
	}{
		{"a1", map[string]string{"cluster": "a", "team": "web"}, false},
		{"a2", map[string]string{"cluster": "a", "team": "web"}, true},
		{"a3", map[string]string{"cluster": "a", "team": "web"}, true},
		{"a-db", map[string]string{"cluster": "a", "team": "db"}, false},
		{"b1", map[string]string{"cluster": "b", "team": "web"}, false},
	}
	parent := ""
	for _, tt := range tests {
		inc := ingest(tt.key, tt.labels)
		switch {
		case tt.attached && inc.Parent == "":
			t.Errorf("%s stands alone, want it attached", tt.key)
		case !tt.attached && inc.Parent != "":
			t.Errorf("%s attached to %s, want it alone", tt.key, inc.Parent)
		case tt.attached && parent != "" && inc.Parent != parent:
			t.Errorf("%s attached to %s, want the group's one parent %s", tt.key, inc.Parent, parent)
		case tt.attached:
			parent = inc.Parent
		}
	}
	par, err := p.svc.Get(ctx, parent)
	if err != nil {
		t.Fatal(err)
	}
	if par.Source != incident.GroupingSource || par.Labels["cluster"] != "a" || len(par.Children) != 2 {
		t.Errorf("parent %+v, want a grouping incident of cluster a with 2 children", par)
	}
	p.runDue(t)
	if len(chat.specs) != 4 {
		t.Errorf("%d channels opened, want a1, the parent, a-db and b1", len(chat.specs))
	}
	kids := map[string]bool{}
	for _, k := range par.Children {
		kids[k] = true
	}
	for _, s := range chat.specs {
		if kids[s.IncidentKey] {
			t.Errorf("attached %s got a channel", s.IncidentKey)
		}
	}
}

// An ack of a storm's parent tells each open child's source, once per
// child, through the children's own upstream.ack jobs; the parent (a
// grouping incident) has no source to tell, and running the queue again
// tells nobody twice.
func TestParentAckTellsEachChildsSource(t *testing.T) {
	up := &fakeUpstream{}
	p := newParts(t, filepath.Join(t.TempDir(), "w.db"), incident.Deps{Chat: &recordingChat{},
		Upstreams: map[string]incident.Upstream{"alertmanager": up}, Grouping: incident.Grouping{Window: time.Hour}})
	ctx := context.Background()
	var parent string
	for _, key := range []string{"a", "b", "c"} {
		res, err := p.svc.IngestAlerts(ctx, incident.AlertGroup{Source: "alertmanager", DedupKey: key, Title: key,
			Alerts: []incident.Alert{{Fingerprint: key, Firing: true}}})
		if err != nil {
			t.Fatal(err)
		}
		parent = res.Incident.Parent
	}
	if _, err := p.svc.IngestAlerts(ctx, incident.AlertGroup{Source: "alertmanager", DedupKey: "c", Title: "c",
		Alerts: []incident.Alert{{Fingerprint: "c", Firing: false}}}); err != nil {
		t.Fatal(err)
	}
	p.runDue(t)
	if _, err := p.svc.Ack(ctx, parent, "alice"); err != nil {
		t.Fatal(err)
	}
	p.runDue(t)
	p.runDue(t)
	if up.acks != 2 {
		t.Errorf("the source was told of %d acks, want one for each of the two open children", up.acks)
	}
}

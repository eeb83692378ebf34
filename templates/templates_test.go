package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HighLatency: p99 > 2s", "highlatency-p99-2s"},
		{"  --Disk full!!-- ", "disk-full"},
		{"Ünïcode only", "n-code-only"},
		{strings.Repeat("abc ", 30), "abc-abc-abc-abc-abc-abc-abc-abc-abc-abc"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every default template renders with the data warroom gives it.
func TestDefaultsRender(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	acked := now.Add(5 * time.Minute)
	inc := &incident.Incident{ID: 42, Key: "INC-42", Title: "Disk full", Severity: incident.SeverityHigh, Status: incident.StatusAcked,
		Source: "alertmanager", CreatedAt: now, AckedAt: &acked, AckedBy: "alice", Labels: map[string]string{"team": "db"},
		Links: []incident.Link{{Title: "Runbook", URL: "https://runbooks/disk"}}, Ticket: incident.TicketRef{Key: "OPS-7", URL: "https://jira/OPS-7"}}
	ev := &incident.Event{Kind: incident.EventStatusChanged, Actor: "alice", Text: "open → acked", At: acked}
	msg := incident.MessageData{Incident: inc, Event: ev, URL: "http://warroom/incidents/INC-42",
		Runbook: &incident.Runbook{Name: "disk", Title: "Disk full", Body: "1. Find the biggest directory"},
		Paging: &incident.PagingView{Pages: []incident.Event{{Kind: incident.EventPaged, Text: "@alice (step 1 of policy default)", At: acked}},
			Notes: []incident.Event{{Kind: incident.EventEscalation, Text: "escalation stopped: acked by @alice", At: acked}},
			Next:  "next: step 2 at 2026-11-22T14:10:00Z unless acked"},
		Children: &incident.ChildrenView{Resolved: 1, List: []*incident.Incident{
			{Key: "INC-43", Title: "db-1 down", Severity: incident.SeverityWarning, Status: incident.StatusResolved},
			{Key: "INC-44", Title: "db-2 down", Severity: incident.SeverityCritical, Status: incident.StatusOpen}}}}
	ttack := 5 * time.Minute
	want := map[string][]string{
		"channel_name":         {"inc-42-disk-full"},
		"channel_header":       {"high · acked", "[ticket OPS-7](https://jira/OPS-7)"},
		"welcome":              {"INC-42 opened: Disk full"},
		"summary":              {"https://runbooks/disk", "`team=db`"},
		"status":               {"**Status: acked**", "acked by @alice"},
		"announce":             {"open → acked (by @alice)"},
		"ticket_title":         {"[high] INC-42: Disk full"},
		"ticket_description":   {"[Runbook|https://runbooks/disk]", "[INC-42|http://warroom/incidents/INC-42]"},
		"ticket_comment":       {"Incident INC-42: open → acked (by alice)"},
		"ticket_summary":       {"h3. INC-42 archived", "||Time to ack|5m0s|", "alice, bob", "[^INC-42-transcript.md]", "kept in warroom"},
		"channel_display_name": {"INC-42 Disk full"},
		"channel_purpose":      {"Incident INC-42 (high)"},
		"runbook":              {"**Runbook: Disk full**", "1. Find the biggest directory"},
		"attached":             {"**2 alerts attached to INC-42**, 1 resolved", "✅ INC-43 db-1 down (warning, resolved)", "🔥 INC-44 db-2 down (critical, open)"},
		"paging":               {"📟 **Paging for INC-42**", "paged @alice (step 1 of policy default)", "escalation stopped", "⏭ next"},
		"postmortem": {"# Postmortem: INC-42 Disk full", "| Time to ack | 5m0s |", "- 2026-11-22 14:05:00 UTC **Acknowledged** by @alice: open → acked",
			"- @alice (acked), 3 messages", "[graph.png](u/graph.png) posted by @grafana at 2026-11-22 14:06:00 UTC", "## Contributing factors", "## Lessons learned"},
		"postmortem_comment": {"Postmortem of INC-42, revision 2 by bob (draft), attached as INC-42-postmortem.md", "SHA-256 abcdef012345", "http://warroom/incidents/INC-42/postmortem"},
	}
	for _, name := range Names() {
		base := strings.TrimSuffix(name, ".tmpl")
		t.Run(base, func(t *testing.T) {
			var data any = msg
			if base == "ticket_summary" {
				data = archive.SummaryData{Incident: inc, Events: []incident.Event{*ev}, Participants: []string{"alice", "bob"},
					TimeToAck: &ttack, URL: msg.URL, Documents: []archive.SummaryDoc{{Name: "INC-42-transcript.md", Size: 10, InTicket: true},
						{Name: "INC-42-files/big.bin", Size: 1 << 30, URL: "u"}}}
			}
			switch base {
			case "postmortem":
				ack := *ev
				ack.To = incident.StatusAcked
				data = incident.DraftPostmortem(inc, []incident.Event{ack}, incident.PostmortemFacts{Messages: map[string]int{"alice": 3},
					Graphs: []incident.PostmortemGraph{{Name: "graph.png", URL: "u/graph.png", Author: "grafana", At: acked.Add(time.Minute)}}},
					msg.URL+"/postmortem", acked)
			case "postmortem_comment":
				data = archive.PostmortemComment{Incident: inc, Postmortem: &incident.Postmortem{State: incident.PostmortemDraft},
					Revision: incident.PostmortemRevision{N: 2, Author: "bob", SHA256: "abcdef0123456789"}, Name: "INC-42-postmortem.md", URL: msg.URL + "/postmortem"}
			}
			out, err := set.Render(base, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(want[base]) == 0 {
				t.Fatalf("no expectations for template %s", base)
			}
			for _, w := range want[base] {
				if !strings.Contains(out, w) {
					t.Errorf("%s lacks %q:\n%s", base, w, out)
				}
			}
		})
	}
}

func TestOverrideDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "welcome.tmpl"), []byte("Hello {{.Incident.Key}}"), 0o600)
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := set.Render("welcome", incident.MessageData{Incident: &incident.Incident{Key: "INC-1"}}); out != "Hello INC-1" {
		t.Errorf("override not used: %q", out)
	}
	os.WriteFile(filepath.Join(dir, "welcom.tmpl"), []byte("x"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "no such template to override") {
		t.Errorf("a misnamed override: %v", err)
	}
	os.Remove(filepath.Join(dir, "welcom.tmpl"))
	os.WriteFile(filepath.Join(dir, "status.tmpl"), []byte("{{.Nope"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "status.tmpl") {
		t.Errorf("a broken override: %v", err)
	}
	os.Remove(filepath.Join(dir, "status.tmpl"))
	os.WriteFile(filepath.Join(dir, "postmortem.tmpl"), []byte("Our own postmortem of {{.Incident.Key}}"), 0o600)
	if set, err = Load(dir); err != nil {
		t.Fatal(err)
	}
	if out, _ := set.Render("postmortem", incident.PostmortemData{Incident: &incident.Incident{Key: "INC-1"}}); out != "Our own postmortem of INC-1" {
		t.Errorf("postmortem override not used: %q", out)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory is accepted")
	}
}

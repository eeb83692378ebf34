package builtin_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// TestEditReplacesTheCard: an edit with a card replaces the message's text
// and card in place (the welcome card follows the incident); one without
// a card (the status post) keeps the card there is.
func TestEditReplacesTheCard(t *testing.T) {
	ctx := context.Background()
	b := newBuiltin(t, openDB(t))
	ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-1", Name: "inc-1"})
	if err != nil {
		t.Fatal(err)
	}
	opening := &incident.Card{Title: "INC-1 disk", Severity: incident.SeverityCritical,
		Fields:  []incident.Field{{Title: "Severity", Value: "critical", Short: true}},
		Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack"}, {ID: "close", Label: "Close", Command: "close"}}}
	id, err := b.Post(ctx, ch, incident.Post{Key: "INC-1/welcome", Text: "welcome", Card: opening})
	if err != nil {
		t.Fatal(err)
	}
	now := &incident.Card{Title: "INC-1 disk full on db-1", Severity: incident.SeverityWarning,
		Fields:  []incident.Field{{Title: "Severity", Value: "warning", Short: true}, {Title: "Commander", Value: "@alice", Short: true}},
		Actions: []incident.Action{{ID: "close", Label: "Close", Command: "close"}}}
	for _, edit := range []incident.Post{
		{Key: "INC-1/sync/1/welcome", Text: "welcome, edited", Card: now, EditID: id},
		{Key: "INC-1/sync/2", Text: "welcome, edited", EditID: id},
	} {
		if got, err := b.Post(ctx, ch, edit); err != nil || got != id {
			t.Fatalf("edit %s: %s, %v; want %s", edit.Key, got, err, id)
		}
		m, err := b.Message(ctx, ch.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(now, m.Card); diff != "" || m.Text != "welcome, edited" || m.EditedAt == nil {
			t.Errorf("after %s: text %q edited %v, card (-want +got):\n%s", edit.Key, m.Text, m.EditedAt, diff)
		}
	}
}

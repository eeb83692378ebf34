package rocketchat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// cardOf is a card with the buttons named.
func cardOf(title string, buttons ...string) *incident.Card {
	c := &incident.Card{Title: title, Severity: incident.SeverityHigh, Fields: []incident.Field{{Title: "Severity", Value: "high", Short: true}}}
	for _, b := range buttons {
		c.Actions = append(c.Actions, incident.Action{ID: b, Label: b, Command: b})
	}
	return c
}

// buttonsOf reads the button labels of a message's card.
func buttonsOf(t *testing.T, m rctest.MessageView) string {
	t.Helper()
	var labels []string
	for _, raw := range m.Attachments {
		var a attachment
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		for _, act := range a.Actions {
			labels = append(labels, act.Text)
		}
	}
	return strings.Join(labels, ",")
}

// TestEditCard: Rocket.Chat's chat.update takes the text only, so an edit
// whose card changed replaces the message (the new id from the edit's key,
// the old message deleted); one whose card did not change edits the text
// in place; a repeat of an edit, whatever step the first attempt reached,
// ends with the one new card and posts nothing twice.
func TestEditCard(t *testing.T) {
	tests := []struct {
		name    string
		card    *incident.Card
		fault   *rctest.Fault // on the first attempt; the edit is then repeated
		newID   bool          // the edit returns another message
		buttons string
	}{
		{"same card, new text", cardOf("INC-1 disk", "ack", "resolve"), nil, false, "ack,resolve"},
		{"changed buttons", cardOf("INC-1 disk", "resolve"), nil, true, "resolve"},
		{"changed title", cardOf("INC-1 disk full on db-1", "ack", "resolve"), nil, true, "ack,resolve"},
		{"delete's answer lost", cardOf("INC-1 disk", "resolve"),
			&rctest.Fault{Method: "POST", Path: "chat.delete", Status: 504, Body: "timeout", Committed: true}, true, "resolve"},
		{"post's answer lost", cardOf("INC-1 disk", "resolve"),
			&rctest.Fault{Method: "POST", Path: "chat.sendMessage", Status: 502, Body: "bad gateway", Committed: true}, true, "resolve"},
		{"delete failed", cardOf("INC-1 disk", "resolve"),
			&rctest.Fault{Method: "POST", Path: "chat.delete", Status: 503, Body: "down"}, true, "resolve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rc := rctest.New(t, rctest.Options{})
			b := newBackend(t, rc, false)
			ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-1", Name: "inc-1-disk", Invite: []string{"alice"}})
			if err != nil {
				t.Fatal(err)
			}
			id, err := b.Post(ctx, ch, incident.Post{Key: "INC-1/welcome", Text: "welcome", Card: cardOf("INC-1 disk", "ack", "resolve")})
			if err != nil {
				t.Fatal(err)
			}
			before := len(rc.Messages(ch.ID))
			edit := incident.Post{Key: "INC-1/sync/1/welcome", Text: "welcome, edited", Card: tt.card, EditID: id}
			if tt.fault != nil {
				rc.Inject(*tt.fault)
				if _, err := b.Post(ctx, ch, edit); err == nil {
					t.Fatal("the first attempt succeeded through the fault")
				}
				edit.Retry = true
			}
			got, err := b.Post(ctx, ch, edit)
			if err != nil {
				t.Fatal(err)
			}
			if (got != id) != tt.newID {
				t.Fatalf("edit returned %s (was %s), want a new message: %v", got, id, tt.newID)
			}
			msgs := rc.Messages(ch.ID)
			if len(msgs) != before {
				t.Errorf("%d messages after the edit, %d before: want the card replaced, not added", len(msgs), before)
			}
			last := msgs[len(msgs)-1]
			if tt.newID && last.ID != got {
				t.Errorf("the new card %s is not the room's last message (%s)", got, last.ID)
			}
			m := rc.Message(got)
			if m.Text != "welcome, edited" || buttonsOf(t, m) != tt.buttons {
				t.Errorf("card %q with buttons %s, want the edit's text and %s", m.Text, buttonsOf(t, m), tt.buttons)
			}
			if again, err := b.Post(ctx, ch, edit); err != nil || again != got || len(rc.Messages(ch.ID)) != before {
				t.Errorf("the edit repeated: %s, %v, %d messages; want %s and nothing more", again, err, len(rc.Messages(ch.ID)), got)
			}
		})
	}
}

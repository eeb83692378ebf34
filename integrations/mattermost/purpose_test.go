package mattermost

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/incident"
)

// TestChannelPurposeMarksTheIncident: the purpose ends with the incident's
// mark however long the wished-for purpose, and only that incident owns it.
func TestChannelPurposeMarksTheIncident(t *testing.T) {
	tests := []struct {
		name, purpose string
	}{
		{"empty", ""},
		{"short", "Response to HighLatency"},
		{"over the limit", strings.Repeat("ü", model.ChannelPurposeMaxRunes+10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := channelPurpose(incident.ChannelSpec{IncidentKey: "INC-7", Purpose: tt.purpose})
			if n := utf8.RuneCountInString(p); n > model.ChannelPurposeMaxRunes {
				t.Errorf("purpose of %d runes, over Mattermost's %d", n, model.ChannelPurposeMaxRunes)
			}
			if !ownedBy(p, "INC-7") || ownedBy(p, "INC-70") || ownedBy(p, "NC-7") {
				t.Errorf("purpose %q: owned by INC-7 %v, by INC-70 %v, by NC-7 %v", p, ownedBy(p, "INC-7"), ownedBy(p, "INC-70"), ownedBy(p, "NC-7"))
			}
		})
	}
}

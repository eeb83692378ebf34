package icinga2

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/warroom/warroom/incident"
)

// TestHookLinks: a Hook needs no API client. With the Icinga 2 URL it
// links the incident there; without one (a script-only setup) it links
// nowhere, where the placeholder client cmd used to build linked the
// incident to "http://unused".
func TestHookLinks(t *testing.T) {
	tests := []struct {
		name, linkBase string
		want           []incident.Link
	}{
		{"with the API's URL", "https://icinga:5665", []incident.Link{{Title: "Icinga", URL: "https://icinga:5665"}}},
		{"script only", "", nil},
	}
	body := []byte(`{"host":"db1","state":"DOWN","state_type":"HARD","notification_type":"PROBLEM"}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			r := httptest.NewRequest("POST", HookPath, nil)
			r.Header.Set("Authorization", "Bearer t")
			out, err := Hook{Token: "t", LinkBase: tt.linkBase}.Handle(rec)(context.Background(), r, body)
			if err != nil {
				t.Fatal(err)
			}
			if m, _ := out.(map[string]string); m["status"] != "accepted" || m["object"] != "db1" {
				t.Errorf("answer %v", out)
			}
			if len(rec.groups) != 1 {
				t.Fatalf("%d groups, want 1", len(rec.groups))
			}
			if got := rec.groups[0].Links; len(got) != len(tt.want) || len(got) == 1 && got[0] != tt.want[0] {
				t.Errorf("links %+v, want %+v", got, tt.want)
			}
		})
	}
}

package incident

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitActionArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"deploy version=v1", []string{"deploy", "version=v1"}, ""},
		{`note note="disk full"`, []string{"note", "note=disk full"}, ""},
		{`note "note=disk full"`, []string{"note", "note=disk full"}, ""},
		{`x a='it''s' b="say \"hi\" \\ \n"`, []string{"x", "a=its", `b=say "hi" \ \n`}, ""},
		{`x a=$(id);rm`, []string{"x", "a=$(id);rm"}, ""},
		{`x a=""`, []string{"x", "a="}, ""},
		{"  x \t a=1  ", []string{"x", "a=1"}, ""},
		{`x a="open`, nil, "quote is not closed"},
		{`x a='open`, nil, "quote is not closed"},
	}
	for _, tt := range tests {
		got, err := SplitActionArgs(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("SplitActionArgs(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitActionArgs(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		// What formatParams writes reads back the same.
		if len(got) == 2 {
			name, value, _ := strings.Cut(got[1], "=")
			back, err := SplitActionArgs(formatParams(map[string]string{name: value}))
			if err != nil || len(back) != 1 || back[0] != got[1] {
				t.Errorf("formatParams of %q reads back %q, %v", got[1], back, err)
			}
		}
	}
}

func TestParseRunArgs(t *testing.T) {
	host, _ := AnchorPattern(`db[0-9]+`)
	graceful := "graceful"
	cat := &ActionCatalog{Specs: []ActionSpec{
		{Name: "restart-db", Params: []ActionParam{{Name: "host", Pattern: host}, {Name: "mode", Allowed: []string{"fast", "graceful"}, Default: &graceful}}},
		{Name: "flush-cache"},
	}}
	tests := []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{"restart-db host=db1", map[string]string{"host": "db1", "mode": "graceful"}, ""},
		{"restart-db mode=fast host=db2", map[string]string{"host": "db2", "mode": "fast"}, ""},
		{"flush-cache", map[string]string{}, ""},
		{"", nil, "name the action"},
		{"restart-bd host=db1", nil, `no action "restart-bd"; did you mean restart-db?`},
		{"reboot-world", nil, `no action "reboot-world"; /incident actions lists`},
		{"restart-db host=db1x", nil, `host="db1x" does not match db[0-9]+; the whole value must match`},
		{"restart-db host=db1;reboot", nil, `does not match`},
		{"restart-db host=db1 mode=slow", nil, `mode="slow" is not allowed; use one of fast, graceful`},
		{"restart-db", nil, "restart-db needs host: /incident run restart-db host=<db[0-9]+> [mode=fast|graceful]"},
		{"restart-db host=db1 host=db2", nil, "host is given twice"},
		{"restart-db hots=db1", nil, `restart-db takes no parameter "hots"`},
		{"restart-db db1", nil, `"db1" is not name=value`},
	}
	for _, tt := range tests {
		_, got, err := cat.parseRunArgs(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseRunArgs(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseRunArgs(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestCutOutput(t *testing.T) {
	out := []byte(strings.Repeat("line ä\n", 2000))
	shown, cut := cutOutput(out, maxPostedOutput)
	if !cut || len(shown) > maxPostedOutput || !strings.HasSuffix(shown, "\n") || !strings.HasPrefix(string(out), shown) {
		t.Errorf("cut %v len %d ends %q", cut, len(shown), shown[len(shown)-5:])
	}
	if shown, cut := cutOutput([]byte("short"), maxPostedOutput); cut || shown != "short" {
		t.Errorf("short output: %q %v", shown, cut)
	}
}

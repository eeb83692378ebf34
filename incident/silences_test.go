package incident

import (
	"maps"
	"strings"
	"testing"
	"time"
)

func TestParseMatcher(t *testing.T) {
	tests := []struct {
		in   string
		want Matcher
		err  string
	}{
		{`instance="db-1:9100"`, Matcher{Name: "instance", Value: "db-1:9100", IsEqual: true}, ""},
		{`instance=db-1`, Matcher{Name: "instance", Value: "db-1", IsEqual: true}, ""},
		{`job=~"node|db"`, Matcher{Name: "job", Value: "node|db", IsRegex: true, IsEqual: true}, ""},
		{`env!="dev"`, Matcher{Name: "env", Value: "dev"}, ""},
		{`env!~"dev|test"`, Matcher{Name: "env", Value: "dev|test", IsRegex: true}, ""},
		{`instance`, Matcher{}, `"instance" is not a matcher: write matchers like instance="db-1:9100"`},
		{`="x"`, Matcher{}, "is not a matcher"},
		{`9job="x"`, Matcher{}, `"9job" is not a label name`},
		{`job=~"(unclosed"`, Matcher{}, "is not a regular expression"},
		{`job="a"b"`, Matcher{}, "is not one quoted string"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMatcher(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "=~, != and !~") || ErrorKind(err) != KindInvalid {
					t.Fatalf("ParseMatcher(%q) error %v, want invalid %q and the other operators", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseMatcher(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if again, err := ParseMatcher(got.String()); err != nil || again != got {
				t.Errorf("%q written as %q reads back as %+v, %v", tt.in, got.String(), again, err)
			}
		})
	}
}

func TestParseLength(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30m", 30 * time.Minute, ""},
		{"2h", 2 * time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"2d", 48 * time.Hour, ""},
		{"forever", 0, `"forever" is not a duration: write a duration like 30m, 2h or 1d`},
		{"2 hours", 0, "is not a duration"},
		{"-1h", 0, "is not longer than nothing"},
		{"0s", 0, "is not longer than nothing"},
		{"31d", 0, "is longer than 30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLength(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "30m, 2h") || ErrorKind(err) != KindInvalid {
					t.Fatalf("ParseLength(%q) error %v, want invalid %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseLength(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseSilence(t *testing.T) {
	am := &Incident{Key: "INC-3", Source: "alertmanager", DedupKey: `{}/{team="payments"}:{alertname="HighLatency", cluster="eu:1"}`,
		Labels: map[string]string{"alertname": "HighLatency", "cluster": "eu:1", "severity": "critical"}}
	bare := &Incident{Key: "INC-4", Source: "api"}
	eq := func(n, v string) Matcher { return Matcher{Name: n, Value: v, IsEqual: true} }
	tests := []struct {
		name, arg string
		inc       *Incident
		want      []Matcher
		err       string
	}{
		{"default: the group labels", "2h", am, []Matcher{eq("alertname", "HighLatency"), eq("cluster", "eu:1")}, ""},
		{"typed matchers replace them", `30m instance="db 1:9100" job=~"node|db"`, am,
			[]Matcher{eq("instance", "db 1:9100"), {Name: "job", Value: "node|db", IsRegex: true, IsEqual: true}}, ""},
		{"no duration", "", am, nil, "silence needs a duration: /incident silence 2h"},
		{"a matcher first", `instance="x"`, am, nil, "is not a duration"},
		{"a bad matcher", `2h instance`, am, nil, "is not a matcher"},
		{"an open quote", `2h instance="x`, am, nil, "a quote is not closed"},
		{"nothing to silence by", "2h", bare, nil, `INC-4 has no alert labels to silence by: name them, e.g. /incident silence 2h alertname="HighLatency"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSilence(tt.arg, tt.inc)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || ErrorKind(err) != KindInvalid {
					t.Fatalf("parseSilence(%q) error %v, want invalid %q", tt.arg, err, tt.err)
				}
				return
			}
			if err != nil || len(got.Matchers) != len(tt.want) {
				t.Fatalf("parseSilence(%q) = %+v, %v; want %+v", tt.arg, got, err, tt.want)
			}
			for i := range tt.want {
				if got.Matchers[i] != tt.want[i] {
					t.Errorf("matcher %d = %+v, want %+v", i, got.Matchers[i], tt.want[i])
				}
			}
		})
	}
}

func TestGroupLabels(t *testing.T) {
	tests := []struct {
		name string
		inc  Incident
		want map[string]string
	}{
		{"group labels of the groupKey", Incident{Source: "alertmanager", DedupKey: `{}:{alertname="A", job="x\"y"}`, Labels: map[string]string{"alertname": "A", "job": `x"y`, "i": "1"}},
			map[string]string{"alertname": "A", "job": `x"y`}},
		{"no group labels: the common ones", Incident{Source: "alertmanager", DedupKey: `{}:{}`, Labels: map[string]string{"a": "1"}}, map[string]string{"a": "1"}},
		{"another source: its labels", Incident{Source: "icinga2", DedupKey: "db1!disk", Labels: map[string]string{"host": "db1"}}, map[string]string{"host": "db1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := groupLabels(&tt.inc); !maps.Equal(got, tt.want) {
				t.Errorf("groupLabels = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatcherMatches(t *testing.T) {
	labels := map[string]string{"instance": "db-1:9100", "job": "node"}
	tests := []struct {
		m    string
		want bool
	}{
		{`instance="db-1:9100"`, true}, {`instance="db-2:9100"`, false},
		{`instance=~"db-.*"`, true}, {`instance=~"db"`, false}, // anchored
		{`job!="node"`, false}, {`job!~"web|api"`, true}, {`env=""`, true}, {`env!=""`, false},
	}
	for _, tt := range tests {
		m, err := ParseMatcher(tt.m)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Matches(labels); got != tt.want {
			t.Errorf("%s.Matches(%v) = %v, want %v", tt.m, labels, got, tt.want)
		}
	}
}

package incident

import (
	"sort"
	"strings"
)

// Severity is how bad an incident is, on a small ordered scale. Higher is
// worse, so severities compare with < and >.
type Severity int

// The severity scale, from least to most severe.
const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityHigh
	SeverityCritical
)

var severityNames = map[Severity]string{
	SeverityInfo:     "info",
	SeverityWarning:  "warning",
	SeverityHigh:     "high",
	SeverityCritical: "critical",
}

// severityAliases maps what alert labels, tickets and people say to the scale.
var severityAliases = map[string]Severity{
	"critical": SeverityCritical, "crit": SeverityCritical, "fatal": SeverityCritical,
	"page": SeverityCritical, "emergency": SeverityCritical, "disaster": SeverityCritical,
	"sev1": SeverityCritical, "p1": SeverityCritical, "highest": SeverityCritical, "blocker": SeverityCritical,
	"high": SeverityHigh, "error": SeverityHigh, "major": SeverityHigh, "sev2": SeverityHigh, "p2": SeverityHigh,
	"warning": SeverityWarning, "warn": SeverityWarning, "medium": SeverityWarning, "minor": SeverityWarning,
	"average": SeverityWarning, "sev3": SeverityWarning, "p3": SeverityWarning,
	"info": SeverityInfo, "informational": SeverityInfo, "information": SeverityInfo, "low": SeverityInfo,
	"lowest": SeverityInfo, "notice": SeverityInfo, "none": SeverityInfo, "sev4": SeverityInfo, "p4": SeverityInfo,
	"p5": SeverityInfo, "trivial": SeverityInfo,
}

// ParseSeverity reads a severity name or one of its aliases, case-insensitively.
// It returns a KindInvalid error that lists the accepted names otherwise.
func ParseSeverity(s string) (Severity, error) {
	if sev, ok := severityAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return sev, nil
	}
	return 0, Errorf(KindInvalid, "unknown severity %q: use one of %s", s, strings.Join(SeverityNames(), ", "))
}

// SeverityNames lists the canonical names, most severe first.
func SeverityNames() []string {
	all := []Severity{SeverityCritical, SeverityHigh, SeverityWarning, SeverityInfo}
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = s.String()
	}
	return out
}

// SeverityAliases lists every accepted spelling, sorted, for help texts.
func SeverityAliases() []string {
	out := make([]string, 0, len(severityAliases))
	for k := range severityAliases {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// String returns the canonical name.
func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return "unknown"
}

// Valid reports whether s is on the scale.
func (s Severity) Valid() bool { _, ok := severityNames[s]; return ok }

// MarshalText encodes the canonical name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText accepts any name or alias.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

package incident

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// ActionSpec is one ChatOps action an operator configured (actions: in the
// config): what it is called, which parameters it takes, who may run it,
// whether a second step confirms it, and how long it may run. What it does
// (an HTTP call, a local command) is the executor's business.
type ActionSpec struct {
	Name        string
	Description string // one line, shown by /incident actions
	Params      []ActionParam
	Users       []string // chat user names that may run it
	Groups      []string // groups (ActionCatalog.Groups) whose members may run it
	Confirm     bool     // a run waits for /incident confirm (or the card's button)
	Timeout     time.Duration
	// Idempotent lets a run whose outcome is unknown after a crash run
	// again; otherwise it is reported as unknown and left alone.
	Idempotent bool
}

// ActionParam is one parameter of an action. A value must match Pattern
// as a whole (when set) and be one of Allowed (when set); a parameter with
// a Default may be left out.
type ActionParam struct {
	Name    string
	Pattern *regexp.Regexp // anchored: the whole value must match
	Allowed []string
	Default *string
}

// ActionCatalog is every configured action, the groups their permissions
// name, and the executor that runs them.
type ActionCatalog struct {
	Specs  []ActionSpec
	Groups map[string][]string // group name -> chat user names
	Exec   ActionExecutor
}

// ActionExecutor runs what an action does. It is the port the executors
// of integrations/actions implement.
type ActionExecutor interface {
	// Execute runs the named action once with in's parameters, until it
	// ends or ctx is done (the action's timeout): then the run is stopped
	// (a command's whole process group killed) and the result says
	// TimedOut. An error means it could not be started or its answer not
	// read; what it printed and its status are in the result either way.
	Execute(ctx context.Context, action string, in ActionInput) (ActionResult, error)
}

// ActionInput is what an action's templates see.
type ActionInput struct {
	Run      int64
	Actor    string
	Params   map[string]string
	Incident *Incident
}

// ActionResult is what one run did.
type ActionResult struct {
	OK       bool   // exit status 0, or an HTTP 2xx
	Status   string // "exit status 1", "HTTP 503 Service Unavailable"
	Ran      string // what ran, secrets left out: the argument list, or the method and URL
	TimedOut bool
	Output   []byte // what it printed (stdout and stderr) or answered, bounded
	// Truncated says the output passed the executor's capture limit.
	Truncated bool
}

// spec finds an action by name.
func (c *ActionCatalog) spec(name string) (ActionSpec, bool) {
	for _, s := range c.Specs {
		if s.Name == name {
			return s, true
		}
	}
	return ActionSpec{}, false
}

// names lists the actions' names, sorted.
func (c *ActionCatalog) names() []string {
	out := make([]string, 0, len(c.Specs))
	for _, s := range c.Specs {
		out = append(out, s.Name)
	}
	sort.Strings(out)
	return out
}

// allowed reports whether user may run the action.
func (c *ActionCatalog) allowed(s ActionSpec, user string) bool {
	if contains(s.Users, user) {
		return true
	}
	for _, g := range s.Groups {
		if contains(c.Groups[g], user) {
			return true
		}
	}
	return false
}

// whoMay says who may run the action, for a refusal.
func (c *ActionCatalog) whoMay(s ActionSpec) string {
	var who []string
	for _, u := range s.Users {
		who = append(who, "@"+u)
	}
	for _, g := range s.Groups {
		members := make([]string, 0, len(c.Groups[g]))
		for _, m := range c.Groups[g] {
			members = append(members, "@"+m)
		}
		who = append(who, fmt.Sprintf("group %s (%s)", g, strings.Join(members, ", ")))
	}
	if len(who) == 0 {
		return "nobody"
	}
	return strings.Join(who, ", ")
}

// usage is how the action is typed: /incident run name p=<...> ...
func (s ActionSpec) usage() string {
	var b strings.Builder
	b.WriteString("run " + s.Name)
	for _, p := range s.Params {
		form := p.form()
		if p.Default != nil {
			fmt.Fprintf(&b, " [%s=%s]", p.Name, form)
		} else {
			fmt.Fprintf(&b, " %s=%s", p.Name, form)
		}
	}
	return b.String()
}

// form says what values a parameter takes: its allowed values, or its
// pattern.
func (p ActionParam) form() string {
	if len(p.Allowed) > 0 {
		return strings.Join(p.Allowed, "|")
	}
	return "<" + p.pattern() + ">"
}

// pattern is the parameter's pattern as configured (without the anchors
// added to match the whole value).
func (p ActionParam) pattern() string {
	if p.Pattern == nil {
		return ""
	}
	s := p.Pattern.String()
	s = strings.TrimPrefix(s, "^(?:")
	return strings.TrimSuffix(s, ")$")
}

// AnchorPattern compiles a parameter pattern so that it must match a
// value as a whole.
func AnchorPattern(pattern string) (*regexp.Regexp, error) {
	return regexp.Compile("^(?:" + pattern + ")$")
}

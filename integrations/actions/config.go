// Package actions runs what ChatOps actions do: an HTTP call or a local
// command, each from templates over the run's parameters and incident. It
// implements incident.ActionExecutor; the domain decides who may run what
// and when.
package actions

import (
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"text/template"
	"time"
)

// Config is one action (an item of actions: in the config).
type Config struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Params      []Param       `yaml:"params"`
	Users       []string      `yaml:"users"`  // chat user names that may run it
	Groups      []string      `yaml:"groups"` // groups (groups: in the config) whose members may
	Confirm     bool          `yaml:"confirm"`
	Timeout     time.Duration `yaml:"timeout"`
	Idempotent  bool          `yaml:"idempotent"`
	// Secrets name the environment variables the templates may read with
	// {{secret "NAME"}}; their values never appear in posts, logs or the
	// timeline.
	Secrets []string `yaml:"secrets"`
	HTTP    *HTTP    `yaml:"http"`
	Command *Command `yaml:"command"`
}

// Param is one parameter of an action.
type Param struct {
	Name    string   `yaml:"name"`
	Pattern string   `yaml:"pattern"` // a regexp the whole value must match
	Allowed []string `yaml:"allowed"`
	Default *string  `yaml:"default"`
}

// HTTP is an action that makes one HTTP call. URL, header values and body
// are templates.
type HTTP struct {
	Method  string            `yaml:"method"`
	URL     string            `yaml:"url"`
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
}

// Command is an action that runs a local program, never through a shell:
// each argument is a template whose result is one argument, whatever it
// holds. Env adds variables (templates; secrets go here, not in Args).
type Command struct {
	Path string            `yaml:"path"`
	Args []string          `yaml:"args"`
	Env  map[string]string `yaml:"env"`
	Dir  string            `yaml:"dir"`
}

// DefaultTimeout is an action's timeout when it names none.
const DefaultTimeout = time.Minute

var (
	nameRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	paramRefRE = regexp.MustCompile(`\.Params\.([A-Za-z0-9_]+)`)
	envNameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Validate returns every problem of the action, each starting with the
// key it is about. maxTimeout bounds the timeout.
func (c Config) Validate(maxTimeout time.Duration) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !nameRE.MatchString(c.Name) {
		bad("name: %q; use lower-case letters, digits, - and _ (it is typed: /incident run NAME)", c.Name)
	}
	if strings.TrimSpace(c.Description) == "" || strings.Contains(c.Description, "\n") {
		bad("description: write one line that says what the action does")
	}
	if len(c.Users) == 0 && len(c.Groups) == 0 {
		bad("users: nobody may run it; name users and/or groups")
	}
	if c.Timeout < 0 || c.Timeout > maxTimeout {
		bad("timeout: %s; use a duration up to %s", c.Timeout, maxTimeout)
	}
	declared := map[string]bool{}
	for i, p := range c.Params {
		key := fmt.Sprintf("params[%d]", i)
		if !envNameRE.MatchString(p.Name) {
			bad("%s.name: %q; use letters, digits and _", key, p.Name)
		}
		if declared[p.Name] {
			bad("%s.name: %q is declared twice", key, p.Name)
		}
		declared[p.Name] = true
		if p.Pattern == "" && len(p.Allowed) == 0 {
			bad("%s.pattern: empty, and no allowed values: say what a value may be (pattern: '[a-z0-9-]+', or allowed: [a, b])", key)
		}
		if p.Pattern != "" {
			re, err := regexp.Compile("^(?:" + p.Pattern + ")$")
			if err != nil {
				bad("%s.pattern: %v", key, err)
			} else {
				for _, a := range p.Allowed {
					if !re.MatchString(a) {
						bad("%s.allowed: %q does not match the pattern", key, a)
					}
				}
				if p.Default != nil && !re.MatchString(*p.Default) {
					bad("%s.default: %q does not match the pattern", key, *p.Default)
				}
			}
		}
		if p.Default != nil && len(p.Allowed) > 0 && !contains(p.Allowed, *p.Default) {
			bad("%s.default: %q is not one of the allowed values", key, *p.Default)
		}
	}
	for i, s := range c.Secrets {
		if !envNameRE.MatchString(s) {
			bad("secrets[%d]: %q is not an environment variable's name", i, s)
		}
	}
	switch {
	case c.HTTP == nil && c.Command == nil:
		bad("http: the action does nothing; give it http: or command:")
	case c.HTTP != nil && c.Command != nil:
		bad("command: give an action http: or command:, not both")
	case c.HTTP != nil:
		errs = append(errs, c.HTTP.validate(c, declared))
	default:
		errs = append(errs, c.Command.validate(c, declared))
	}
	return errors.Join(errs...)
}

func (h *HTTP) validate(c Config, declared map[string]bool) error {
	var errs []error
	if !contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, h.method()) {
		errs = append(errs, fmt.Errorf("http.method: %q; use GET, POST, PUT, PATCH or DELETE", h.Method))
	}
	if !strings.HasPrefix(h.URL, "http://") && !strings.HasPrefix(h.URL, "https://") {
		errs = append(errs, fmt.Errorf("http.url: %q is not an http(s) URL", h.URL))
	}
	errs = append(errs, checkTemplate("http.url", h.URL, c, declared, true))
	for k, v := range h.Headers {
		errs = append(errs, checkTemplate("http.headers."+k, v, c, declared, true))
	}
	errs = append(errs, checkTemplate("http.body", h.Body, c, declared, true))
	return errors.Join(errs...)
}

// method is the call's method, POST when none is given.
func (h *HTTP) method() string {
	if h.Method == "" {
		return http.MethodPost
	}
	return h.Method
}

func (m *Command) validate(c Config, declared map[string]bool) error {
	var errs []error
	if m.Path == "" {
		errs = append(errs, errors.New("command.path: empty; name the program (an absolute path, or one on PATH)"))
	} else if _, err := exec.LookPath(m.Path); err != nil {
		errs = append(errs, fmt.Errorf("command.path: %q is not a program warroom can run: %v", m.Path, err))
	}
	for i, a := range m.Args {
		// Arguments are visible to every local user (ps): no secrets there.
		errs = append(errs, checkTemplate(fmt.Sprintf("command.args[%d]", i), a, c, declared, false))
	}
	for k, v := range m.Env {
		if !envNameRE.MatchString(k) {
			errs = append(errs, fmt.Errorf("command.env.%s: not an environment variable's name", k))
		}
		errs = append(errs, checkTemplate("command.env."+k, v, c, declared, true))
	}
	return errors.Join(errs...)
}

// checkTemplate parses a template and checks that every .Params.X it
// names is declared.
func checkTemplate(key, text string, c Config, declared map[string]bool, secrets bool) error {
	if _, err := parse(key, text, funcs(nil, secrets)); err != nil {
		msg := strings.TrimPrefix(err.Error(), "template: ")
		if !secrets && strings.Contains(msg, `"secret" not defined`) {
			msg = "secrets may not be arguments (every local user can read a process's arguments); pass them in command.env"
		}
		return fmt.Errorf("%s: %s", key, msg)
	}
	for _, m := range paramRefRE.FindAllStringSubmatch(text, -1) {
		if !declared[m[1]] {
			return fmt.Errorf("%s: names .Params.%s, which the action does not declare", key, m[1])
		}
	}
	return nil
}

func parse(name, text string, fm template.FuncMap) (*template.Template, error) {
	return template.New(name).Option("missingkey=error").Funcs(fm).Parse(text)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

package actions

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"text/template"

	"github.com/warroom/warroom/incident"
)

// MaxOutput bounds what a run's output keeps (stdout and stderr, or the
// answer's body); the rest is counted and dropped.
const MaxOutput = 1 << 20

// Executor runs the configured actions. It implements
// incident.ActionExecutor.
type Executor struct {
	actions map[string]*action
	http    *http.Client
	log     *slog.Logger
}

// action is one Config with its templates parsed and its secrets read.
type action struct {
	cfg     Config
	secrets map[string]string // name -> value
	tmpl    map[string]*template.Template
}

// New builds the executor. lookupEnv reads the secrets each action names
// (os.LookupEnv in warroom); a secret that is not set is an error.
func New(list []Config, lookupEnv func(string) (string, bool), client *http.Client, log *slog.Logger) (*Executor, error) {
	e := &Executor{actions: map[string]*action{}, http: client, log: log}
	for _, c := range list {
		a := &action{cfg: c, secrets: map[string]string{}, tmpl: map[string]*template.Template{}}
		for _, name := range c.Secrets {
			v, ok := lookupEnv(name)
			if !ok || v == "" {
				return nil, fmt.Errorf("action %s: the secret %s is not set in the environment", c.Name, name)
			}
			a.secrets[name] = v
		}
		fm := funcs(a.secrets, true)
		add := func(key, text string, fm template.FuncMap) error {
			t, err := parse(key, text, fm)
			if err != nil {
				return fmt.Errorf("action %s: %w", c.Name, err)
			}
			a.tmpl[key] = t
			return nil
		}
		var err error
		switch {
		case c.HTTP != nil:
			err = add("url", c.HTTP.URL, fm)
			if err == nil {
				err = add("body", c.HTTP.Body, fm)
			}
			for k, v := range c.HTTP.Headers {
				if err == nil {
					err = add("header."+k, v, fm)
				}
			}
		case c.Command != nil:
			for i, arg := range c.Command.Args {
				if err == nil {
					err = add(fmt.Sprintf("arg.%d", i), arg, funcs(nil, false))
				}
			}
			for k, v := range c.Command.Env {
				if err == nil {
					err = add("env."+k, v, fm)
				}
			}
		default:
			err = fmt.Errorf("action %s does nothing: give it http: or command:", c.Name)
		}
		if err != nil {
			return nil, err
		}
		e.actions[c.Name] = a
	}
	return e, nil
}

// funcs are the template functions: secret, where secrets are allowed.
func funcs(secrets map[string]string, allowSecrets bool) template.FuncMap {
	fm := template.FuncMap{"quote": func(s string) string { return fmt.Sprintf("%q", s) }}
	if allowSecrets {
		fm["secret"] = func(name string) (string, error) {
			v, ok := secrets[name]
			if !ok && secrets != nil {
				return "", fmt.Errorf("secret %q is not among the action's secrets", name)
			}
			return v, nil
		}
	}
	return fm
}

// Execute runs the named action once (see incident.ActionExecutor).
func (e *Executor) Execute(ctx context.Context, name string, in incident.ActionInput) (incident.ActionResult, error) {
	a, ok := e.actions[name]
	if !ok {
		return incident.ActionResult{}, incident.Errorf(incident.KindPermanent, "no action %q is configured", name)
	}
	data := templateData(in)
	var (
		res incident.ActionResult
		err error
	)
	if a.cfg.HTTP != nil {
		res, err = e.call(ctx, a, data)
	} else {
		res, err = e.command(ctx, a, data)
	}
	res.Output = a.redact(res.Output)
	res.Ran = string(a.redact([]byte(res.Ran)))
	if err != nil {
		err = fmt.Errorf("%s", a.redact([]byte(err.Error())))
	}
	return res, err
}

// data is what the templates see: {{.Params.host}}, {{.Incident.Key}},
// {{.Incident.Labels.service}}, {{.Actor}}, {{.Run}}.
type data struct {
	Params   map[string]string
	Incident incidentView
	Actor    string
	Run      int64
}

type incidentView struct {
	Key, Title, Severity, Status, Commander string
	Labels                                  map[string]string
}

func templateData(in incident.ActionInput) data {
	d := data{Params: in.Params, Actor: in.Actor, Run: in.Run}
	if inc := in.Incident; inc != nil {
		d.Incident = incidentView{Key: inc.Key, Title: inc.Title, Severity: inc.Severity.String(), Status: string(inc.Status),
			Commander: inc.Commander, Labels: inc.Labels}
	}
	if d.Incident.Labels == nil {
		d.Incident.Labels = map[string]string{}
	}
	return d
}

func (a *action) render(key string, d data) (string, error) {
	t, ok := a.tmpl[key]
	if !ok {
		return "", nil
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render %s: %w", key, err)
	}
	return b.String(), nil
}

// redact replaces every secret's value with xxxxx.
func (a *action) redact(b []byte) []byte {
	values := make([]string, 0, len(a.secrets))
	for _, v := range a.secrets {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool { return len(values[i]) > len(values[j]) })
	for _, v := range values {
		b = bytes.ReplaceAll(b, []byte(v), []byte("xxxxx"))
	}
	return b
}

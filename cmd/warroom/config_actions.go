package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/actions"
)

// ActionConfig is one item of actions: (integrations/actions owns its keys).
type ActionConfig = actions.Config

// checkActions checks each action with its own Validate, then what only
// the whole config knows: names given once, groups that exist, secrets
// set in the environment.
func (c Config) checkActions(probs *problems) {
	seen := map[string]bool{}
	for i, a := range c.Actions {
		key := fmt.Sprintf("actions[%d]", i)
		probs.add(key, a.Validate(incident.MaxActionTimeout))
		if seen[a.Name] && a.Name != "" {
			probs.bad(key+".name", "%q is the name of an earlier action too; give each action its own name", a.Name)
		}
		seen[a.Name] = true
		for j, g := range a.Groups {
			if _, ok := c.Groups[g]; !ok {
				probs.bad(fmt.Sprintf("%s.groups[%d]", key, j), "no group %q; define it under groups: (groups: {%s: [alice, bob]})", g, g)
			}
		}
		for j, s := range a.Secrets {
			if v, ok := os.LookupEnv(s); !ok || v == "" {
				probs.bad(fmt.Sprintf("%s.secrets[%d]", key, j), "%s is not set in warroom's environment; set it there (never in the file)", s)
			} else if isSampleSecret(v) {
				probs.bad(fmt.Sprintf("%s.secrets[%d]", key, j), "%s holds a sample value, not a secret", s)
			}
		}
	}
	for g, members := range c.Groups {
		if len(members) == 0 {
			probs.bad("groups."+g, "empty; list its members' chat user names, or remove it")
		}
	}
}

// actionCatalog turns actions: and groups: into the domain's catalog and
// its executor; nil when no action is configured.
func (c Config) actionCatalog(log *slog.Logger) (*incident.ActionCatalog, error) {
	if len(c.Actions) == 0 {
		return nil, nil
	}
	exec, err := actions.New(c.Actions, os.LookupEnv, &http.Client{}, log.With("part", "actions"))
	if err != nil {
		return nil, err
	}
	cat := &incident.ActionCatalog{Groups: c.Groups, Exec: exec}
	for i, a := range c.Actions {
		spec := incident.ActionSpec{Name: a.Name, Description: a.Description, Users: a.Users, Groups: a.Groups,
			Confirm: a.Confirm, Timeout: a.Timeout, Idempotent: a.Idempotent}
		if spec.Timeout == 0 {
			spec.Timeout = actions.DefaultTimeout
		}
		for j, p := range a.Params {
			param := incident.ActionParam{Name: p.Name, Allowed: p.Allowed, Default: p.Default}
			if p.Pattern != "" {
				if param.Pattern, err = incident.AnchorPattern(p.Pattern); err != nil {
					return nil, fmt.Errorf("actions[%d].params[%d].pattern: %w", i, j, err)
				}
			}
			spec.Params = append(spec.Params, param)
		}
		cat.Specs = append(cat.Specs, spec)
	}
	return cat, nil
}

// The parts of an action's config under the names cmd's tests use.
type (
	// ActionParamConfig is actions[].params[].
	ActionParamConfig = actions.Param
	// ActionCommandConfig is actions[].command.
	ActionCommandConfig = actions.Command
	// ActionHTTPConfig is actions[].http.
	ActionHTTPConfig = actions.HTTP
)

package icinga2

import (
	"context"
	"net/url"
	"strings"

	"github.com/warroom/warroom/incident"
)

// resync brings warroom up to what Icinga 2 holds now, for what changed
// while nobody followed the stream (Icinga 2 has no replay): every HARD
// problem opens (or keeps) its incident, and one acknowledged there acks
// it; every live incident whose object is HARD OK now gets its recovery.
func (c *Client) resync(ctx context.Context, svc Incidents) error {
	problems := map[string]bool{}
	for _, typ := range []string{"services", "hosts"} {
		var out struct {
			Results []object `json:"results"`
		}
		q := url.Values{"filter": {typ[:len(typ)-1] + ".state != 0 && " + typ[:len(typ)-1] + ".state_type == 1"}}
		// Icinga 2 does not read "+" in a query as a space: encode it as %20.
		err := c.get(ctx, "/v1/objects/"+typ+"?"+strings.ReplaceAll(q.Encode(), "+", "%20"), &out)
		if err != nil && strings.Contains(err.Error(), "No objects found") {
			continue // no problems (Icinga answers 404 to an empty filter result)
		}
		if err != nil {
			return err
		}
		for _, o := range out.Results {
			e := o.hardChange(typ, o.Attrs.State)
			problems[e.key()] = true
			if err := c.handle(ctx, svc, e); err != nil {
				return err
			}
			if o.Attrs.Acknowledgement != 0 {
				if err := svc.AckFromSource(ctx, Source, e.key(), Source); err != nil {
					return err
				}
			}
		}
	}
	return c.resyncRecoveries(ctx, svc, problems)
}

// resyncRecoveries reads, for each live incident from Icinga 2 that is not
// among the problems, its object, and passes on the recovery of one that
// is HARD OK now. An object Icinga 2 no longer knows keeps its incident,
// for a person to close.
func (c *Client) resyncRecoveries(ctx context.Context, svc Incidents, problems map[string]bool) error {
	var keys []string
	for offset := 0; ; {
		incs, err := svc.List(ctx, incident.Filter{Source: Source, Status: []incident.Status{incident.StatusOpen, incident.StatusAcked},
			Limit: 500, Offset: offset})
		if err != nil {
			return err
		}
		for _, inc := range incs {
			if inc.DedupKey != "" && !problems[inc.DedupKey] {
				keys = append(keys, inc.DedupKey)
			}
		}
		if len(incs) < 500 {
			break
		}
		offset += len(incs)
	}
	for _, key := range keys {
		typ := "hosts"
		if strings.Contains(key, "!") {
			typ = "services"
		}
		var out struct {
			Results []object `json:"results"`
		}
		err := c.get(ctx, "/v1/objects/"+typ+"/"+url.PathEscape(key), &out)
		if err != nil && strings.Contains(err.Error(), "No objects found") {
			c.log.Warn("a live incident's Icinga 2 object is gone; its incident stays open for a person to close", "object", key)
			continue
		}
		if err != nil {
			return err
		}
		for _, o := range out.Results {
			if o.Attrs.LastHardState != 0 {
				continue // still a problem, in a SOFT state now: the stream tells the rest
			}
			if err := c.handle(ctx, svc, o.hardChange(typ, 0)); err != nil {
				return err
			}
		}
	}
	return nil
}

// hardChange is the object's last HARD state change to state, as the
// stream would have sent it.
func (o object) hardChange(typ string, state float64) event {
	hard := 1.0
	e := event{Type: "StateChange", Timestamp: o.Attrs.LastHardStateChange, State: &state, StateType: &hard,
		CheckResult: o.Attrs.LastCheckResult}
	if typ == "services" {
		e.Host, e.Service = o.Attrs.HostName, o.Attrs.Name
	} else {
		e.Host = o.Attrs.Name
	}
	return e
}

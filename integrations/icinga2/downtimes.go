package icinga2

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/warroom/warroom/incident"
)

// downtime is a Downtime object from the object API.
type downtime struct {
	Name  string `json:"name"`
	Attrs struct {
		Comment string `json:"comment"`
	} `json:"attrs"`
}

// object names the incident's host or service: the type and the action
// body's key for it.
func objectOf(inc *incident.Incident) (typ, key, name string) {
	if strings.Contains(inc.DedupKey, "!") {
		return "Service", "service", inc.DedupKey
	}
	return "Host", "host", inc.DedupKey
}

// downtimesOf lists the downtimes of the incident's object.
func (c *Client) downtimesOf(ctx context.Context, inc *incident.Incident) ([]downtime, error) {
	host, service, isService := strings.Cut(inc.DedupKey, "!")
	filter := "downtime.host_name==" + strconv.Quote(host)
	if isService {
		filter += " && downtime.service_name==" + strconv.Quote(service)
	} else {
		filter += ` && downtime.service_name==""`
	}
	var out struct {
		Results []downtime `json:"results"`
	}
	q := url.Values{"filter": {filter}}
	err := c.get(ctx, "/v1/objects/downtimes?"+strings.ReplaceAll(q.Encode(), "+", "%20"), &out)
	if err != nil && strings.Contains(err.Error(), "No objects found") {
		return nil, nil
	}
	return out.Results, err
}

// Schedule schedules a fixed downtime of the incident's host or service,
// unless one whose comment holds d.Marker exists (an earlier attempt's).
func (c *Client) Schedule(ctx context.Context, inc *incident.Incident, d incident.Downtime) error {
	have, err := c.downtimesOf(ctx, inc)
	if err != nil {
		return err
	}
	for _, dt := range have {
		if strings.Contains(dt.Attrs.Comment, d.Marker) {
			return nil
		}
	}
	typ, key, name := objectOf(inc)
	return c.action(ctx, "schedule-downtime", map[string]any{"type": typ, key: name, "author": d.Author, "comment": d.Comment,
		"start_time": d.Start.Unix(), "end_time": d.End.Unix(), "fixed": true})
}

// Cancel removes the object's downtimes whose comment holds marker.
func (c *Client) Cancel(ctx context.Context, inc *incident.Incident, marker string) (int, error) {
	have, err := c.downtimesOf(ctx, inc)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, dt := range have {
		if !strings.Contains(dt.Attrs.Comment, marker) {
			continue
		}
		if err := c.action(ctx, "remove-downtime", map[string]any{"type": "Downtime", "downtime": dt.Name}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// action POSTs /v1/actions/name; anything but 200 is classified.
func (c *Client) action(ctx context.Context, name string, body map[string]any) error {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+"/v1/actions/"+name, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	c.auth(req)
	op := name + " " + strings.TrimSpace(string(raw))
	resp, err := c.http.Do(req)
	if err != nil {
		return system.Failure(name, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return classify(op, resp, out)
	}
	return nil
}

package icinga2

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// object is a Host or Service from the object API.
type object struct {
	Name  string `json:"name"`
	Attrs struct {
		HostName            string       `json:"host_name"`
		Name                string       `json:"name"`
		State               float64      `json:"state"`
		StateType           float64      `json:"state_type"`
		LastHardState       float64      `json:"last_hard_state"`
		LastHardStateChange float64      `json:"last_hard_state_change"`
		Acknowledgement     float64      `json:"acknowledgement"`
		LastCheckResult     *checkResult `json:"last_check_result"`
	} `json:"attrs"`
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.URL+path, nil)
	if err != nil {
		return err
	}
	c.auth(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return system.Failure("GET "+path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if resp.StatusCode != http.StatusOK {
		return classify("GET "+path, resp, raw)
	}
	return json.Unmarshal(raw, out)
}

// Acknowledge acknowledges the incident's problem in Icinga 2. A problem
// that is already acknowledged, or that has recovered, is fine (409).
func (c *Client) Acknowledge(ctx context.Context, inc *incident.Incident, actor string) error {
	if inc.Source != Source || inc.DedupKey == "" {
		return nil
	}
	body := map[string]any{"author": "warroom/" + actor, "comment": "Acknowledged in warroom, " + inc.Key + ": " + inc.Title,
		"notify": false}
	if host, service, ok := bytes.Cut([]byte(inc.DedupKey), []byte("!")); ok {
		body["type"], body["service"] = "Service", string(host)+"!"+string(service)
	} else {
		body["type"], body["host"] = "Host", inc.DedupKey
	}
	raw, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+"/v1/actions/acknowledge-problem", bytes.NewReader(raw))
	if err != nil {
		return err
	}
	c.auth(req)
	op := "acknowledge " + inc.DedupKey
	resp, err := c.http.Do(req)
	if err != nil {
		return system.Failure(op, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch resp.StatusCode {
	case http.StatusOK, http.StatusConflict:
		return nil
	}
	return classify(op, resp, out)
}

// system is Icinga 2 as the shared classifier knows it. Icinga 2.13
// answers 404 ("No objects found") for what the ApiUser may not see, as
// well as for what does not exist.
var system = httpclass.System{Name: "Icinga 2", Hints: map[int]string{
	http.StatusUnauthorized: "check sources.icinga2.user and .password",
	http.StatusForbidden:    "the object is missing or the ApiUser lacks the permission for it",
	http.StatusNotFound:     "the object is missing or the ApiUser lacks the permission for it",
}}

// classify turns an answer other than 200 into a domain error (httpclass
// has the rule), quoting Icinga's body.
func classify(op string, resp *http.Response, body []byte) error {
	return system.Answer(op, resp.StatusCode, resp.Header, errors.New(httpclass.Snippet(body)))
}

package actions

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// system sorts the answers of an action's endpoint.
var system = httpclass.System{Name: "the action's endpoint"}

// call makes the action's HTTP call and keeps the first MaxOutput bytes of
// the answer. A non-2xx answer is an outcome (its status, and what the
// shared classifier says of it), not an error.
func (e *Executor) call(ctx context.Context, a *action, d data) (incident.ActionResult, error) {
	h := a.cfg.HTTP
	target, err := a.render("url", d)
	if err != nil {
		return incident.ActionResult{}, err
	}
	res := incident.ActionResult{Ran: h.method() + " " + showURL(target)}
	body, err := a.render("body", d)
	if err != nil {
		return res, err
	}
	req, err := http.NewRequestWithContext(ctx, h.method(), target, strings.NewReader(body))
	if err != nil {
		return res, fmt.Errorf("build the request: %w", err)
	}
	for k := range h.Headers {
		v, err := a.render("header."+k, d)
		if err != nil {
			return res, err
		}
		req.Header.Set(k, v)
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			res.TimedOut = true
			return res, nil
		}
		return res, system.Failure(h.method()+" "+showURL(target), err)
	}
	defer resp.Body.Close()
	out := &capped{max: MaxOutput}
	if _, err := io.Copy(out, resp.Body); err != nil && ctx.Err() != nil {
		res.TimedOut = true
	}
	res.Output, res.Truncated = out.bytes()
	res.Status = fmt.Sprintf("HTTP %s", resp.Status)
	res.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !res.OK {
		if err := system.Answer("call", resp.StatusCode, resp.Header, nil); err != nil {
			res.Status += " (" + classOf(err) + ")"
		}
	}
	return res, nil
}

// classOf says what the classifier made of a failed answer.
func classOf(err error) string {
	if incident.ErrorKind(err) == incident.KindTransient {
		return "a transient failure: it may work if run again later"
	}
	return "refused: running it again as it is will not help"
}

// showURL is the URL without its query and user info, which may hold
// secrets or personal data.
func showURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparseable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

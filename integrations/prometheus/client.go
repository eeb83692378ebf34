package prometheus

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// maxPoints is Prometheus's limit of points per series in one range query
// ("exceeded maximum resolution of 11,000 points per timeseries").
const maxPoints = 11000

// maxBody caps how much of an answer is read; a graph never needs more.
const maxBody = 64 << 20

// Client queries one Prometheus server (or anything speaking its HTTP API:
// Thanos, Mimir, VictoriaMetrics).
type Client struct {
	base string
	http *http.Client
}

// New returns a Client for the server at baseURL (for example
// "http://prometheus:9090", or a path prefix such as
// "https://example.com/prometheus"). Authentication, TLS and proxies belong
// to httpClient; nil means a client with a 30 s timeout.
func New(baseURL string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: httpClient}
}

// QueryRange evaluates query at every step from start to end and returns one
// Series per result series, in Prometheus's order. A query matching nothing
// returns no series and no error. Native histogram samples are not returned
// (their series come back without points); graph a quantile of them instead.
//
// Errors: KindInvalid for arguments Prometheus would refuse and for PromQL it
// rejects (400, 422; the message quotes Prometheus's own); KindTransient when
// Prometheus is unreachable, times out or answers 5xx or 429; KindPermanent
// when it refuses access (401, 403) or answers something that is not the
// query API.
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Series, error) {
	if err := checkRange(query, start, end, step); err != nil {
		return nil, err
	}
	u, err := url.Parse(c.base + "/api/v1/query_range")
	if err != nil {
		return nil, incident.Errorf(incident.KindInvalid, "prometheus base URL %q: %w", c.base, err)
	}
	u.RawQuery = url.Values{
		"query": {query},
		"start": {unixSeconds(start)},
		"end":   {unixSeconds(end)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, incident.Errorf(incident.KindInvalid, "prometheus query_range request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, system.Failure(fmt.Sprintf("range query %q at %s", query, c.base), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, incident.Errorf(incident.KindTransient, "reading prometheus's answer to %q: %w", query, err)
	}
	return decodeRange(query, resp.StatusCode, resp.Header, body)
}

// checkRange refuses, before any request, what Prometheus would refuse.
func checkRange(query string, start, end time.Time, step time.Duration) error {
	switch {
	case strings.TrimSpace(query) == "":
		return incident.Errorf(incident.KindInvalid, "prometheus query is empty")
	case step <= 0:
		return incident.Errorf(incident.KindInvalid, "prometheus query step %v must be positive", step)
	case end.Before(start):
		return incident.Errorf(incident.KindInvalid, "prometheus query range ends (%s) before it starts (%s)",
			end.Format(time.RFC3339), start.Format(time.RFC3339))
	case end.Sub(start)/step >= maxPoints:
		return incident.Errorf(incident.KindInvalid,
			"prometheus query range %v at step %v exceeds %d points per series; use a larger step (see StepFor)",
			end.Sub(start), step, maxPoints)
	}
	return nil
}

// unixSeconds formats t as Unix seconds with millisecond precision, the
// resolution of Prometheus's timestamps.
func unixSeconds(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}

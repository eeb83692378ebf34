package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// waiter reads the JSON API of the warroom under load.
type waiter struct {
	client *http.Client
	base   string
	token  string
	out    io.Writer
}

func (w *waiter) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+path, nil)
	if err != nil {
		return err
	}
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s (is -api-token the value of api.token?)", path, resp.Status, strings.TrimSpace(string(data)))
	}
	return json.Unmarshal(data, v)
}

// countRun counts the incidents whose labels carry the run's label.
func (w *waiter) countRun(ctx context.Context, run string) (int, error) {
	const page = 500
	n := 0
	for offset := 0; ; offset += page {
		var list struct {
			Incidents []struct {
				Labels map[string]string `json:"labels"`
			} `json:"incidents"`
		}
		q := url.Values{"q": {run}, "limit": {fmt.Sprint(page)}, "offset": {fmt.Sprint(offset)}}
		if err := w.get(ctx, "/api/v1/incidents?"+q.Encode(), &list); err != nil {
			return 0, err
		}
		for _, inc := range list.Incidents {
			if inc.Labels["run"] == run {
				n++
			}
		}
		if len(list.Incidents) < page {
			return n, nil
		}
	}
}

// ready reports whether the incident has its channel and its welcome post
// (the job that posts it is done).
func (w *waiter) ready(ctx context.Context, key string) (bool, error) {
	var inc struct {
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
	}
	if err := w.get(ctx, "/api/v1/incidents/"+key, &inc); err != nil {
		return false, err
	}
	if inc.Channel.ID == "" {
		return false, nil
	}
	var jobs struct {
		Jobs []struct {
			Key   string `json:"key"`
			State string `json:"state"`
		} `json:"jobs"`
	}
	if err := w.get(ctx, "/api/v1/incidents/"+key+"/jobs", &jobs); err != nil {
		return false, err
	}
	for _, j := range jobs.Jobs {
		if j.Key == key+"/post/welcome/0" {
			return j.State == "done", nil
		}
	}
	return false, nil
}

// waitReady polls until every incident is ready, and returns how long after
// last that was seen (to the poll's granularity, a fraction of a second).
func (w *waiter) waitReady(ctx context.Context, keys []string, last time.Time, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pending := keys
	lastPrint := time.Now()
	for {
		var mu sync.Mutex
		var still []string
		var firstErr error
		work := make(chan string)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for key := range work {
					ok, err := w.ready(ctx, key)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					if !ok {
						still = append(still, key)
					}
					mu.Unlock()
				}
			})
		}
		for _, k := range pending {
			work <- k
		}
		close(work)
		wg.Wait()
		if len(still) == 0 {
			return time.Since(last), nil
		}
		if ctx.Err() != nil {
			return 0, fmt.Errorf("%d of %d incidents still lack their channel or welcome post after %s (first: %s); see GET /api/v1/jobs?state=parked",
				len(still), len(keys), timeout, still[0])
		}
		if firstErr != nil && len(still) == len(pending) {
			return 0, firstErr
		}
		pending = still
		if time.Since(lastPrint) >= time.Second {
			fmt.Fprintf(w.out, "  waiting: %d of %d incidents ready, %.0fs after the last notification\n",
				len(keys)-len(pending), len(keys), time.Since(last).Seconds())
			lastPrint = time.Now()
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

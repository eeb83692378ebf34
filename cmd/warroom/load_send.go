package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/warroom/warroom/integrations/alertmanager"
)

// loadPayload is notification i of the run: group i % groups, its repeat
// i / groups. Every ResolveEvery-th repeat resolves the group's alert; the
// next repeat fires it again with a later start (a refire).
func loadPayload(o loadOptions, base time.Time, i int) ([]byte, error) {
	group, repeat := i%o.Groups, i/o.Groups
	name := fmt.Sprintf("g%05d", group)
	labels := map[string]string{"alertname": "WarroomLoad", "run": o.Run, "group": name, "severity": "warning", "instance": name + ".example"}
	starts := base
	resolved := false
	if o.ResolveEvery > 0 {
		starts = base.Add(time.Duration(repeat/o.ResolveEvery) * time.Second)
		resolved = repeat%o.ResolveEvery == o.ResolveEvery-1
	}
	a := alertmanager.Alert{Status: "firing", Labels: labels, StartsAt: starts,
		Annotations:  map[string]string{"summary": "load test alert of " + name},
		GeneratorURL: "http://prometheus.example/graph?g0.expr=up"}
	status := "firing"
	if resolved {
		status, a.Status, a.EndsAt = "resolved", "resolved", starts.Add(500*time.Millisecond)
	}
	m := alertmanager.Message{Version: "4", GroupKey: fmt.Sprintf(`{}/{run=%q}:{group=%q}`, o.Run, name),
		Status: status, Receiver: "warroom", GroupLabels: map[string]string{"group": name},
		CommonLabels: labels, CommonAnnotations: a.Annotations, ExternalURL: "http://alertmanager.example",
		Alerts: []alertmanager.Alert{a}}
	return json.Marshal(m)
}

// sendStats is what one load run saw.
type sendStats struct {
	mu        sync.Mutex
	lat       []time.Duration
	errors    int
	samples   []string // the first few errors, for the reader
	incidents map[string]bool
	start     time.Time
	last      time.Time // when the last notification was accepted
	elapsed   time.Duration
}

func (s *sendStats) rate() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(len(s.lat)-s.errors) / s.elapsed.Seconds()
}

func (s *sendStats) quantile(q float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	sorted := slices.Clone(s.lat)
	slices.Sort(sorted)
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func (s *sendStats) line(who string) string {
	return fmt.Sprintf("%s: %d accepted, %d errors in %.2fs: %.0f accepted/s, p50 %s, p99 %s",
		who, len(s.lat)-s.errors, s.errors, s.elapsed.Seconds(), s.rate(),
		s.quantile(0.50).Round(10*time.Microsecond), s.quantile(0.99).Round(10*time.Microsecond))
}

func (s *sendStats) keys() []string {
	out := make([]string, 0, len(s.incidents))
	for k := range s.incidents {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// hookAnswer is what /hooks/alertmanager answers.
type hookAnswer struct {
	Incident string `json:"incident"`
	Created  bool   `json:"created"`
}

// send posts the run's notifications from o.Senders goroutines, in order of
// i, and prints progress every second.
func send(ctx context.Context, client *http.Client, o loadOptions, out io.Writer, who string) *sendStats {
	st := &sendStats{incidents: map[string]bool{}, lat: make([]time.Duration, 0, o.N)}
	base := time.Now().UTC().Truncate(time.Second)
	var urls []string // notification i goes to replica i mod len(urls)
	for _, u := range o.urls() {
		urls = append(urls, u+"/hooks/alertmanager")
	}
	work := make(chan int, o.Senders)
	var wg sync.WaitGroup
	st.start = time.Now()
	for range o.Senders {
		wg.Go(func() {
			for i := range work {
				st.record(sendOne(ctx, client, urls[i%len(urls)], o, base, i))
			}
		})
	}
	done := make(chan struct{})
	var printer sync.WaitGroup
	printer.Go(func() { progress(done, st, o.N, out, who) })
	for i := 0; i < o.N && ctx.Err() == nil; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	close(done)
	printer.Wait() // out is the caller's again only once progress has stopped writing to it
	st.elapsed = time.Since(st.start)
	return st
}

// sendResult is one notification's outcome.
type sendResult struct {
	took   time.Duration
	at     time.Time
	err    string
	answer hookAnswer
}

func sendOne(ctx context.Context, client *http.Client, url string, o loadOptions, base time.Time, i int) sendResult {
	body, err := loadPayload(o, base, i)
	if err != nil {
		return sendResult{err: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return sendResult{err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if o.Token != "" {
		req.Header.Set("Authorization", "Bearer "+o.Token)
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return sendResult{took: time.Since(t0), err: err.Error() + " (is warroom running at -url?)"}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	r := sendResult{took: time.Since(t0), at: time.Now()}
	switch {
	case err != nil:
		r.err = "read answer: " + err.Error()
	case resp.StatusCode/100 != 2:
		r.err = fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(data))
	case resp.StatusCode == http.StatusOK:
		if err := json.Unmarshal(data, &r.answer); err != nil {
			r.err = "answer is not JSON: " + err.Error()
		}
	}
	return r
}

func (s *sendStats) record(r sendResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lat = append(s.lat, r.took)
	if r.err != "" {
		s.errors++
		if len(s.samples) < 5 {
			s.samples = append(s.samples, r.err)
		}
		return
	}
	if r.answer.Created {
		s.incidents[r.answer.Incident] = true
	}
	if r.at.After(s.last) {
		s.last = r.at
	}
}

func progress(done <-chan struct{}, st *sendStats, n int, out io.Writer, who string) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			st.mu.Lock()
			sent, errs := len(st.lat), st.errors
			st.mu.Unlock()
			fmt.Fprintf(out, "  %s: %d/%d sent, %d errors, %.0f/s\n", who, sent, n, errs, float64(sent)/time.Since(st.start).Seconds())
		}
	}
}

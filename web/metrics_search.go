package web

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// SearchQueueCounter counts the changes a store has queued for its search
// index and not yet written (PostgreSQL writes the index after the
// commit; see incident.SearchQueue).
type SearchQueueCounter interface {
	SearchQueued(ctx context.Context) (int, error)
}

// SearchQueue adds the gauge warroom_search_queued, counted from the store
// at each scrape (every replica reports the same number). It rises during
// an alert burst and falls back to 0 once the burst is over; one that
// stays up says the job runners cannot write the index (their log says
// why), and the next search waits for what is queued.
func (m *Metrics) SearchQueue(q SearchQueueCounter) {
	m.reg.MustRegister(searchQueueGauge{q: q, desc: prometheus.NewDesc("warroom_search_queued",
		"Changes queued for the search index and not yet written; a search writes them first.", nil, nil)})
}

type searchQueueGauge struct {
	q    SearchQueueCounter
	desc *prometheus.Desc
}

func (g searchQueueGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g searchQueueGauge) Collect(ch chan<- prometheus.Metric) {
	var n int
	if !readAtScrape(ch, g.desc, func(ctx context.Context) (err error) { n, err = g.q.SearchQueued(ctx); return err }) {
		return
	}
	ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(n))
}

package web

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/incident"
)

// LiveCounter counts the live incidents at scrape time (one grouped
// query; see incident.Reporter).
type LiveCounter interface {
	CountLive(ctx context.Context) ([]incident.IncidentCount, error)
}

// durationBuckets span a quick ack to a long weekend, in seconds.
var durationBuckets = []float64{30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200}

// IncidentMetrics are the incident metrics: histograms of the time to ack
// and to resolve by severity and source, observed once per incident as it
// happens (on the replica that ran the incident's observation job, so the
// sum over replicas counts each incident once), and gauges of the live
// incidents by status and severity, counted from the store at each scrape
// (so every replica reports the same numbers: aggregate them with max,
// not sum).
type IncidentMetrics struct {
	toAck, toResolve *prometheus.HistogramVec
}

// Incidents registers the incident metrics on m; counter may be nil (no
// gauges).
func (m *Metrics) Incidents(counter LiveCounter) *IncidentMetrics {
	im := &IncidentMetrics{
		toAck: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "warroom_incident_time_to_ack_seconds", Help: "Time from an incident's opening to its first ack, by severity and source.",
			Buckets: durationBuckets,
		}, []string{"severity", "source"}),
		toResolve: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "warroom_incident_time_to_resolve_seconds", Help: "Time from an incident's opening to its first resolution (or its close, unresolved), by severity and source.",
			Buckets: durationBuckets,
		}, []string{"severity", "source"}),
	}
	m.reg.MustRegister(im.toAck, im.toResolve)
	if counter != nil {
		m.reg.MustRegister(liveGauge{counter: counter, desc: prometheus.NewDesc("warroom_incidents_live",
			"Incidents that are open, acked or resolved (not yet closed), by status and severity.", []string{"status", "severity"}, nil)})
	}
	return im
}

// Observe records a first ack or resolution; it fits
// incident.Deps.ObserveDuration.
func (im *IncidentMetrics) Observe(o incident.DurationObservation) {
	h := im.toAck
	if o.Point == "resolve" {
		h = im.toResolve
	}
	h.WithLabelValues(o.Severity.String(), o.Source).Observe(max(o.Took, 0).Seconds())
}

type liveGauge struct {
	counter LiveCounter
	desc    *prometheus.Desc
}

func (g liveGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

// Collect reports every live status and severity, zero included, so that
// a series does not vanish when its last incident closes.
func (g liveGauge) Collect(ch chan<- prometheus.Metric) {
	var counts []incident.IncidentCount
	if !readAtScrape(ch, g.desc, func(ctx context.Context) (err error) { counts, err = g.counter.CountLive(ctx); return err }) {
		return
	}
	type key struct {
		st  incident.Status
		sev incident.Severity
	}
	n := map[key]int{}
	for _, c := range counts {
		n[key{c.Status, c.Severity}] += c.N
	}
	for _, st := range []incident.Status{incident.StatusOpen, incident.StatusAcked, incident.StatusResolved} {
		for _, name := range incident.SeverityNames() {
			sev, _ := incident.ParseSeverity(name)
			ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(n[key{st, sev}]), string(st), name)
		}
	}
}

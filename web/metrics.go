package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/warroom/warroom/incident"
)

// Metrics is warroom's Prometheus registry and the instruments it feeds.
type Metrics struct {
	reg          *prometheus.Registry
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	hooks        *prometheus.CounterVec
	jobRuns      *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
}

// JobCounter counts jobs by state at scrape time.
type JobCounter interface {
	JobCounts(ctx context.Context) (map[incident.JobState]int, error)
}

// NewMetrics builds the registry with Go and process collectors, and a
// gauge of jobs by state read from jobs at each scrape.
func NewMetrics(jobs JobCounter) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"method", "route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "warroom_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		hooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_webhooks_total", Help: "Inbound alert notifications by source and outcome.",
		}, []string{"source", "outcome"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_job_runs_total", Help: "Job attempts by kind and outcome (done, retry, parked, requeued, interrupted).",
		}, []string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "warroom_job_duration_seconds", Help: "Job attempt duration by kind.",
			Buckets: prometheus.DefBuckets,
		}, []string{"kind"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.hooks, m.jobRuns, m.jobDuration)
	if jobs != nil {
		m.reg.MustRegister(&jobGauge{jobs: jobs, desc: prometheus.NewDesc("warroom_jobs",
			"Durable jobs by state; parked jobs need an operator.", []string{"state"}, nil)})
	}
	return m
}

// Handler serves the registry in Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveJob records one job attempt; it fits incident.Runner.Observe.
func (m *Metrics) ObserveJob(kind incident.JobKind, outcome string, d time.Duration) {
	m.jobRuns.WithLabelValues(string(kind), outcome).Inc()
	m.jobDuration.WithLabelValues(string(kind)).Observe(d.Seconds())
}

func (m *Metrics) observeHTTP(method, route string, code int, d time.Duration) {
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(code)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
}

type jobGauge struct {
	jobs JobCounter
	desc *prometheus.Desc
}

func (g *jobGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *jobGauge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := g.jobs.JobCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(g.desc, err)
		return
	}
	for _, st := range []incident.JobState{incident.JobPending, incident.JobRunning, incident.JobDone, incident.JobParked} {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(counts[st]), string(st))
	}
}

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
	jobResumes   *prometheus.CounterVec
	jobsPruned   prometheus.Counter
}

// JobCounter counts jobs at scrape time.
type JobCounter interface {
	JobStats(ctx context.Context) ([]incident.JobCount, error)
}

// NewMetrics builds the registry with Go and process collectors, and
// gauges of jobs by state, kind and backend read from jobs at each scrape.
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
			Name: "warroom_job_runs_total",
			Help: "Job attempts by kind and outcome (done, retry, parked, requeued, interrupted, lease_lost, unrecorded).",
		}, []string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "warroom_job_duration_seconds", Help: "Job attempt duration by kind.",
			Buckets: prometheus.DefBuckets,
		}, []string{"kind"}),
		jobResumes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_job_resumes_total", Help: "Jobs parked for a transient failure that resumed when their backend answered again.",
		}, []string{"backend"}),
		jobsPruned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "warroom_jobs_pruned_total", Help: "Done jobs deleted after jobs.retention.",
		}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.hooks, m.jobRuns, m.jobDuration, m.jobResumes, m.jobsPruned)
	if jobs != nil {
		m.reg.MustRegister(&jobGauge{jobs: jobs,
			total: prometheus.NewDesc("warroom_jobs", "Durable jobs by state; parked jobs need an operator.", []string{"state"}, nil),
			desc: prometheus.NewDesc("warroom_jobs_by_kind", "Durable jobs by state, kind and backend.",
				[]string{"state", "kind", "backend"}, nil),
			failing: prometheus.NewDesc("warroom_jobs_failing", "Jobs that are being retried (pending or running their next try), by kind, backend and failure (transient, internal).",
				[]string{"kind", "backend", "failure"}, nil)})
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

// ObserveResume counts resumed jobs; it fits incident.Runner.OnResume.
func (m *Metrics) ObserveResume(backend string, n int) {
	m.jobResumes.WithLabelValues(backend).Add(float64(n))
}

// ObservePrune counts pruned jobs; it fits incident.Runner.OnPrune.
func (m *Metrics) ObservePrune(n int) { m.jobsPruned.Add(float64(n)) }

func (m *Metrics) observeHTTP(method, route string, code int, d time.Duration) {
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(code)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
}

type jobGauge struct {
	jobs                 JobCounter
	total, desc, failing *prometheus.Desc
}

func (g *jobGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.total; ch <- g.desc; ch <- g.failing }

// scrapeTimeout bounds a store read made at scrape time.
const scrapeTimeout = 2 * time.Second

// readAtScrape runs read under scrapeTimeout; when it fails, desc is
// reported invalid with its error and readAtScrape returns false.
func readAtScrape(ch chan<- prometheus.Metric, desc *prometheus.Desc, read func(ctx context.Context) error) bool {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if err := read(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(desc, err)
		return false
	}
	return true
}

func (g *jobGauge) Collect(ch chan<- prometheus.Metric) {
	var counts []incident.JobCount
	if !readAtScrape(ch, g.total, func(ctx context.Context) (err error) { counts, err = g.jobs.JobStats(ctx); return err }) {
		return
	}
	type key struct{ a, b, c string }
	total := map[incident.JobState]int{}
	byKind, failing := map[key]int{}, map[key]int{}
	for _, c := range counts {
		total[c.State] += c.N
		byKind[key{string(c.State), string(c.Kind), c.Backend}] += c.N
		if c.Failing() {
			failing[key{string(c.Kind), c.Backend, string(c.Failure)}] += c.N
		}
	}
	for _, st := range incident.JobStates() {
		ch <- prometheus.MustNewConstMetric(g.total, prometheus.GaugeValue, float64(total[st]), string(st))
	}
	for k, n := range byKind {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(n), k.a, k.b, k.c)
	}
	for k, n := range failing {
		ch <- prometheus.MustNewConstMetric(g.failing, prometheus.GaugeValue, float64(n), k.a, k.b, k.c)
	}
}

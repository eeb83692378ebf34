package web

import "github.com/prometheus/client_golang/prometheus"

// Singletons adds the gauge warroom_singleton_held{name}: for each
// singleton this replica runs (the Icinga 2 follower, the pin watcher, the
// job pruner, ...), 1 while it holds the lease and 0 while another replica
// does, read from held at each scrape. Summed over the replicas, each name
// is 1, and 0 only for the moment of a takeover: an alert on a sum of 0
// needs no absent().
func (m *Metrics) Singletons(held func() map[string]bool) {
	m.reg.MustRegister(singletonGauge{held: held,
		desc: prometheus.NewDesc("warroom_singleton_held", "Whether this replica holds the singleton lease of each name (1) or another replica does (0).", []string{"name"}, nil)})
}

type singletonGauge struct {
	held func() map[string]bool
	desc *prometheus.Desc
}

func (g singletonGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g singletonGauge) Collect(ch chan<- prometheus.Metric) {
	for name, held := range g.held() {
		v := 0.0
		if held {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v, name)
	}
}

package web

import "github.com/prometheus/client_golang/prometheus"

// Singletons adds the gauge warroom_singleton_held{name}: 1 for each
// singleton lease (the Icinga 2 follower, the pin watcher, the job pruner)
// this replica holds, read from held at each scrape. Summed over the
// replicas, each name is 1 (0 for the moment of a takeover).
func (m *Metrics) Singletons(held func() []string) {
	m.reg.MustRegister(singletonGauge{held: held,
		desc: prometheus.NewDesc("warroom_singleton_held", "Singleton leases this replica holds (1 per held name).", []string{"name"}, nil)})
}

type singletonGauge struct {
	held func() []string
	desc *prometheus.Desc
}

func (g singletonGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g singletonGauge) Collect(ch chan<- prometheus.Metric) {
	for _, name := range g.held() {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, 1, name)
	}
}

package web

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/incident"
)

// Inflow adds the gauge warroom_alerts_in_flight: the alert requests this
// replica is handling, read from f at each scrape. While it is above 0,
// only jobs.burst_workers of the replica's job workers run jobs.
func (m *Metrics) Inflow(f *incident.Inflow) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "warroom_alerts_in_flight",
		Help: "Alert requests this replica is handling; while above 0 only jobs.burst_workers of its job workers run jobs."},
		func() float64 { return float64(f.InFlight()) }))
}

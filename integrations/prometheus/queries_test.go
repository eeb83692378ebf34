package prometheus

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestQueriesFromGeneratorURL(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want []string
	}{
		{"recorded via Alertmanager", recordedGeneratorURL(t), []string{"vector(1)"}},
		{"contract example", "https://prometheus.example.com/graph?g0.expr=histogram_quantile%280.99%2C+sum+by+%28le%29+%28rate%28http_request_duration_seconds_bucket%5B5m%5D%29%29%29+%3E+2&g0.tab=1",
			[]string{"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 2"}},
		{"panels in order, not query order", "http://p/graph?g10.expr=c&g1.expr=b&g0.expr=a&g0.tab=0",
			[]string{"a", "b", "c"}},
		{"duplicates and blanks dropped", "http://p/graph?g0.expr=up&g1.expr=+&g2.expr=up", []string{"up"}},
		{"label matchers survive decoding", "http://p/graph?g0.expr=" + "up%7Bjob%3D%22api%22%2Cinstance%3D~%22a.%2B%22%7D+%3D%3D+0",
			[]string{`up{job="api",instance=~"a.+"} == 0`}},
		{"Prometheus 3 UI path", "http://p/query?g0.expr=rate%28x%5B5m%5D%29&g0.show_tree=0&g0.tab=graph&g0.range_input=1h",
			[]string{"rate(x[5m])"}},
		{"no expression (Alertmanager 0.31 recorded)", "http://127.0.0.1/graph", nil},
		{"empty (Alertmanager 0.25 recorded)", "", nil},
		{"Grafana rule link", "https://grafana.example.com/alerting/grafana/aBcD123/view?orgId=1", nil},
		{"not a URL", "http://[::1", nil},
		{"other parameters ignored", "http://p/graph?expr=up&gx.expr=up&g-1.expr=up&g0.exprs=up", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QueriesFromGeneratorURL(tt.url); !slices.Equal(got, tt.want) {
				t.Errorf("QueriesFromGeneratorURL(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

// recordedGeneratorURL is the generatorURL real Prometheus put in an alert
// that reached the webhook through Alertmanager.
func recordedGeneratorURL(t *testing.T) string {
	var msg struct {
		Alerts []struct {
			GeneratorURL string `json:"generatorURL"`
		} `json:"alerts"`
	}
	if err := json.Unmarshal([]byte(readTestdata(t, "prometheus-rule-via-alertmanager.json")), &msg); err != nil || len(msg.Alerts) == 0 {
		t.Fatalf("recorded payload: %v", err)
	}
	return msg.Alerts[0].GeneratorURL
}

func TestQueriesFromAnnotations(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		want        []string
	}{
		{"one a line", map[string]string{GraphAnnotation: "rate(errors_total[5m])\n  histogram_quantile(0.99, rate(x_bucket[5m]))  \r\n"},
			[]string{"rate(errors_total[5m])", "histogram_quantile(0.99, rate(x_bucket[5m]))"}},
		{"blank lines and comments skipped", map[string]string{GraphAnnotation: "\n# the cause\nup\n\nup\n"}, []string{"up"}},
		{"absent", map[string]string{"summary": "x"}, nil},
		{"nil map", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QueriesFromAnnotations(tt.annotations); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQueriesPrefersAnnotation(t *testing.T) {
	gen := "http://p/graph?g0.expr=up+%3D%3D+0"
	if got := Queries(map[string]string{GraphAnnotation: "node_load1"}, gen); !slices.Equal(got, []string{"node_load1"}) {
		t.Errorf("with annotation: %q", got)
	}
	if got := Queries(map[string]string{GraphAnnotation: " \n"}, gen); !slices.Equal(got, []string{"up == 0"}) {
		t.Errorf("with empty annotation: %q", got)
	}
	if got := Queries(nil, ""); got != nil {
		t.Errorf("with nothing: %q", got)
	}
}

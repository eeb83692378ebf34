package prometheus

import (
	"slices"
	"testing"
)

func TestSeriesNames(t *testing.T) {
	s := func(kv ...string) Series {
		l := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			l[kv[i]] = kv[i+1]
		}
		return Series{Labels: l}
	}
	tests := []struct {
		name   string
		series []Series
		want   []string
	}{
		{"only the differing label", []Series{
			s("__name__", "up", "job", "api", "instance", "a:9090"),
			s("__name__", "up", "job", "api", "instance", "b:9090"),
		}, []string{"instance=a:9090", "instance=b:9090"}},
		{"several differing labels, sorted", []Series{
			s("job", "api", "instance", "a", "code", "500"),
			s("job", "api", "instance", "b", "code", "502"),
		}, []string{"code=500, instance=a", "code=502, instance=b"}},
		{"a label missing from one series", []Series{
			s("job", "api", "code", "500"),
			s("job", "api"),
		}, []string{"code=500", "job=api"}},
		{"metric names differ", []Series{
			s("__name__", "errors_total", "job", "api"),
			s("__name__", "requests_total", "job", "api"),
		}, []string{"errors_total", "requests_total"}},
		{"lone series: all labels", []Series{
			s("__name__", "up", "job", "api", "instance", "a:9090"),
		}, []string{"up instance=a:9090, job=api"}},
		{"lone series without labels (sum)", []Series{s()}, []string{"value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := seriesNames(tt.series, "value"); !slices.Equal(got, tt.want) {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
		})
	}
}

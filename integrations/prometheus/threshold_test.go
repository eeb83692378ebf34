package prometheus

import "testing"

func TestSplitThreshold(t *testing.T) {
	tests := []struct {
		expr      string
		query     string
		threshold float64
		ok        bool
	}{
		// The simple, common shapes.
		{`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 2`,
			`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))`, 2, true},
		{`rate(x[5m]) >= 0.5`, `rate(x[5m])`, 0.5, true},
		{`up == 0`, `up`, 0, true},
		{`up{job="api"} != 1`, `up{job="api"}`, 1, true},
		{`node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 10`,
			`node_filesystem_avail_bytes / node_filesystem_size_bytes * 100`, 10, true},
		{`free_bytes <= 1e9`, `free_bytes`, 1e9, true},
		{`temperature_celsius > -5.5`, `temperature_celsius`, -5.5, true},
		{`queue_length > 0x10`, `queue_length`, 16, true},
		{`0.9 < errors_ratio`, `errors_ratio`, 0.9, true},
		{`rate(x[5m]) > bool 3`, `rate(x[5m])`, 3, true},
		{"  (sum(rate(errors_total[5m])) > 10)  ", `sum(rate(errors_total[5m]))`, 10, true},
		{"sum by (job) (\n  rate(errors_total[5m])\n)\n> 10", "sum by (job) (\n  rate(errors_total[5m])\n)", 10, true},
		// Operators and odd characters inside selectors, strings and calls are not top-level.
		{`up{job=~"a|b", env!="prod", path="/x>y"} == 0`, `up{job=~"a|b", env!="prod", path="/x>y"}`, 0, true},
		{`count(label_replace(up, "dst", "$1", "src", "(.*)>(.*)")) < 3`, `count(label_replace(up, "dst", "$1", "src", "(.*)>(.*)"))`, 3, true},
		{"sum(x{a=`q\"<`}) > 1", "sum(x{a=`q\"<`})", 1, true},
		{`sum(rate(x[5m] offset 1h)) > 4`, `sum(rate(x[5m] offset 1h))`, 4, true},
		{`max_over_time((a > 1)[5m:]) > 2`, `max_over_time((a > 1)[5m:])`, 2, true},
		// Not simple: left unchanged, ok=false.
		{`rate(x[5m])`, `rate(x[5m])`, 0, false},
		{`a > b`, `a > b`, 0, false},
		{`a > 2 < 5`, `a > 2 < 5`, 0, false},
		{`a > 2 and b < 3`, `a > 2 and b < 3`, 0, false},
		{`a > 2 unless on(job) maintenance`, `a > 2 unless on(job) maintenance`, 0, false},
		{`x unless y > 2`, `x unless y > 2`, 0, false},
		{`a or b > 1`, `a or b > 1`, 0, false},
		{`a > on() vector(2)`, `a > on() vector(2)`, 0, false},
		{`a > 2 * 3`, `a > 2 * 3`, 0, false},
		{`a > NaN`, `a > NaN`, 0, false},
		{`a > Inf`, `a > Inf`, 0, false},
		{`1 > 2`, `1 > 2`, 0, false},
		{`> 2`, `> 2`, 0, false},
		{`a >`, `a >`, 0, false},
		{`a > 2 # comment`, `a > 2 # comment`, 0, false},
		{`sum(a > 2`, `sum(a > 2`, 0, false},
		{`a) > 2`, `a) > 2`, 0, false},
		{`up{job="x} > 1`, `up{job="x} > 1`, 0, false},
		{`a = 2`, `a = 2`, 0, false},
		{``, ``, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			q, th, ok := SplitThreshold(tt.expr)
			if q != tt.query || th != tt.threshold || ok != tt.ok {
				t.Errorf("SplitThreshold(%q) = %q, %v, %v; want %q, %v, %v", tt.expr, q, th, ok, tt.query, tt.threshold, tt.ok)
			}
		})
	}
}

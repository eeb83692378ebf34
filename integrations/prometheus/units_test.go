package prometheus

import (
	"slices"
	"testing"
)

func TestUnitFormat(t *testing.T) {
	tests := []struct {
		unit string
		v    float64
		want string
	}{
		{"s", 2, "2 s"},
		{"s", 0.25, "250 ms"},
		{"s", 0.0000123, "12.3 µs"},
		{"s", 90, "1.5 min"},
		{"s", 7200, "2 h"},
		{"s", 0, "0 s"},
		{"bytes", 1536, "1.5 KiB"},
		{"bytes", 3 << 30, "3 GiB"},
		{"bytes", 512, "512 B"},
		{"bytes/s", 10 << 20, "10 MiB/s"},
		{"%", 12.345, "12.3%"},
		{"ratio", 0.05, "5%"},
		{"req/s", 950, "950 req/s"},
		{"req/s", 1500, "1.5k req/s"},
		{"", 2500000, "2.5M"},
		{"", 0.123456, "0.123"},
		{"", -1500, "-1.5k"},
	}
	for _, tt := range tests {
		if got := unitFor(tt.unit).format(tt.v); got != tt.want {
			t.Errorf("format(%q, %v) = %q, want %q", tt.unit, tt.v, got, tt.want)
		}
	}
}

func TestValueTicks(t *testing.T) {
	tests := []struct {
		unit   string
		lo, hi float64
		want   []string
	}{
		{"s", 0, 1.2, []string{"0 s", "250 ms", "500 ms", "750 ms", "1 s"}},
		{"s", 0, 2.9, []string{"0 s", "500 ms", "1 s", "1.5 s", "2 s", "2.5 s"}},
		{"s", 0.0001, 0.0009, []string{"200 µs", "400 µs", "600 µs", "800 µs"}},
		{"bytes", 0, 5 << 30, []string{"0 B", "1 GiB", "2 GiB", "3 GiB", "4 GiB", "5 GiB"}},
		{"bytes", 0, 1000, []string{"0 B", "200 B", "400 B", "600 B", "800 B", "1000 B"}},
		{"ratio", 0, 1, []string{"0%", "20%", "40%", "60%", "80%", "100%"}},
		{"%", 99.1, 99.9, []string{"99.2%", "99.4%", "99.6%", "99.8%"}},
		{"req/s", 0, 2600, []string{"0 req/s", "500 req/s", "1k req/s", "1.5k req/s", "2k req/s", "2.5k req/s"}},
		{"", -1, 1, []string{"-1", "-0.5", "0", "0.5", "1"}},
		{"", 0, 1.1, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (valueTicker{unitFor(tt.unit), 5}).Ticks(tt.lo, tt.hi) {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ticks(%q, %v..%v) = %q, want %q", tt.unit, tt.lo, tt.hi, got, tt.want)
		}
	}
}

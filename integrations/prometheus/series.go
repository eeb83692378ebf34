package prometheus

import "time"

// Series is one time series of a range query: its label set and its samples
// in time order.
type Series struct {
	Labels map[string]string
	Points []Point
}

// Point is one sample. V may be NaN or ±Inf, as Prometheus reports them.
type Point struct {
	T time.Time
	V float64
}

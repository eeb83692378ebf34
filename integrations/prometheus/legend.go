package prometheus

import (
	"maps"
	"slices"
	"strings"
)

// seriesNames names each series by the labels that tell it apart from the
// others ("instance=api-1:9090, code=500"), not by its whole label set. A
// lone series, or one that has none of the distinguishing labels, is named
// by all its labels; the metric name leads when it differs between series
// or the series is alone; fallback names a series without any label (the
// result of sum(), say).
func seriesNames(series []Series, fallback string) []string {
	keys := distinguishing(series)
	names := make([]string, len(series))
	for i, s := range series {
		name := labelList(s.Labels, keys)
		alone := len(series) == 1 || !slices.ContainsFunc(keys, func(k string) bool { _, ok := s.Labels[k]; return ok })
		if alone {
			name = labelList(s.Labels, slices.Sorted(maps.Keys(s.Labels)))
		}
		metric := s.Labels["__name__"]
		if metric != "" && (alone || slices.Contains(keys, "__name__")) {
			name = strings.TrimSpace(metric + " " + name)
		}
		if name == "" {
			name = fallback
		}
		names[i] = name
	}
	return names
}

// labelList writes the labels named by keys, but not the metric name, as
// "k1=v1, k2=v2".
func labelList(labels map[string]string, keys []string) string {
	var parts []string
	for _, k := range keys {
		if v, ok := labels[k]; ok && k != "__name__" {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ", ")
}

// distinguishing returns the label names whose values are not the same in
// all series (a label missing from some series counts as differing), metric
// name first, then alphabetically.
func distinguishing(series []Series) []string {
	all := map[string]bool{}
	for _, s := range series {
		for k := range s.Labels {
			all[k] = true
		}
	}
	var keys []string
	for k := range all {
		first, ok := series[0].Labels[k]
		for _, s := range series[1:] {
			if v, has := s.Labels[k]; has != ok || v != first {
				keys = append(keys, k)
				break
			}
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "__name__":
			return -1
		case b == "__name__":
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

package oncall

import "time"

// The resolved schedule is a step function of time: between two consecutive
// edges (handoffs, window openings and closings, override starts and ends)
// the same source puts the same user on call. A Shift is a maximal run of
// one source, found by walking edges outwards from an instant.

// source identifies what puts someone on call: one override, or one shift of
// one layer's rotation. Instants with the same source share a Shift.
type source struct {
	override int   // index into plan.overrides, or -1
	layer    int   // index into plan.layers, or -1
	shift    int64 // the rotation's shift index, for a layer
}

// nobody is the source when no one is on call.
var nobody = source{override: -1, layer: -1}

// at returns the source in force at t.
func (p *plan) at(t time.Time) source {
	best := -1
	for i, o := range p.overrides {
		active := !t.Before(o.Start) && t.Before(o.End)
		if active && (best < 0 || !o.Start.Before(p.overrides[best].Start)) {
			best = i
		}
	}
	if best >= 0 {
		return source{override: best, layer: -1}
	}
	for i := len(p.layers) - 1; i >= 0; i-- {
		l := &p.layers[i]
		k, ok := l.rotation.indexAt(t)
		if ok && (l.window == nil || l.window.contains(t)) {
			return source{override: -1, layer: i, shift: k}
		}
	}
	return nobody
}

// nextEdge returns the first edge after t. There always is one, because a
// schedule has at least one layer and its rotation keeps handing off.
func (p *plan) nextEdge(t time.Time) time.Time {
	var next time.Time
	consider := func(e time.Time) {
		if e.After(t) && (next.IsZero() || e.Before(next)) {
			next = e
		}
	}
	for _, o := range p.overrides {
		consider(o.Start)
		consider(o.End)
	}
	for i := range p.layers {
		l := &p.layers[i]
		k, ok := l.rotation.indexAt(t)
		if !ok {
			// Window edges before the first handoff change nothing.
			consider(l.rotation.first)
			continue
		}
		consider(l.rotation.handoffAt(k + 1))
		if l.window != nil {
			consider(l.window.nextEdge(t))
		}
	}
	return next
}

// prevEdge returns the last edge at or before t, if there is one.
func (p *plan) prevEdge(t time.Time) (time.Time, bool) {
	var prev time.Time
	found := false
	consider := func(e time.Time) {
		if !e.After(t) && (!found || e.After(prev)) {
			prev, found = e, true
		}
	}
	for _, o := range p.overrides {
		consider(o.Start)
		consider(o.End)
	}
	for i := range p.layers {
		l := &p.layers[i]
		k, ok := l.rotation.indexAt(t)
		if !ok {
			continue
		}
		consider(l.rotation.handoffAt(k))
		if l.window != nil {
			consider(l.window.prevEdge(t))
		}
	}
	return prev, found
}

// extent returns the bounds of the run of src that contains t. src must be
// p.at(t) and not nobody; every such run is bounded by a handoff or by an
// override's own start and end, so both walks stop.
func (p *plan) extent(t time.Time, src source) (start, end time.Time) {
	start, _ = p.prevEdge(t)
	for {
		before := start.Add(-time.Nanosecond)
		if p.at(before) != src {
			break
		}
		start, _ = p.prevEdge(before)
	}
	end = p.nextEdge(t)
	for p.at(end) == src {
		end = p.nextEdge(end)
	}
	return start, end
}

// user returns who src puts on call.
func (p *plan) user(src source) string {
	switch {
	case src.override >= 0:
		return p.overrides[src.override].User
	case src.layer >= 0:
		return p.layers[src.layer].rotation.member(src.shift)
	}
	return ""
}

// shift describes the run of src from start to end, in loc.
func (p *plan) shift(src source, start, end time.Time, loc *time.Location) Shift {
	sh := Shift{User: p.user(src), Start: start.In(loc), End: end.In(loc), Override: src.override >= 0}
	if src.layer >= 0 {
		sh.Layer = p.layers[src.layer].name
	}
	return sh
}

// horizon returns how far Next looks for a change of user. Once every
// override is over and every rotation has started, the schedule repeats, so
// two of its longest cycles plus a week (for windows) show every user it
// will ever put on call.
func (p *plan) horizon(t time.Time) time.Time {
	base := t
	var longest time.Duration
	for i := range p.layers {
		r := p.layers[i].rotation
		if r.first.After(base) {
			base = r.first
		}
		longest = max(longest, r.cycle())
	}
	for _, o := range p.overrides {
		if o.End.After(base) {
			base = o.End
		}
	}
	return base.Add(2*longest + 8*24*time.Hour)
}

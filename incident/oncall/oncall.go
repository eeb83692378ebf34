package oncall

import "time"

// OnCall returns the shift in force at t, with its real start and end: a
// shift ends at a handoff, where a higher layer's window opens or closes, or
// where an override starts or ends. It reports false when nobody is on call
// at t, including when s is invalid. Start and End are in t's location.
func (s Schedule) OnCall(t time.Time) (Shift, bool) {
	p, errs := s.compile()
	if len(errs) > 0 {
		return Shift{}, false
	}
	src := p.at(t)
	if src == nobody {
		return Shift{}, false
	}
	start, end := p.extent(t, src)
	return p.shift(src, start, end, t.Location()), true
}

// Next returns the first shift after t whose user differs from the one on
// call at t: who takes over, and from when. When nobody is on call at t, it
// is the next shift of anyone. When the user never changes (a one-member
// schedule, say) it is the next shift of the same user, i.e. the next
// handoff. It reports false when nobody is ever on call after t, and looks
// no further than it takes the schedule to repeat.
func (s Schedule) Next(t time.Time) (Shift, bool) {
	p, errs := s.compile()
	if len(errs) > 0 {
		return Shift{}, false
	}
	cur := p.at(t)
	x := t
	if cur != nobody {
		_, x = p.extent(t, cur)
	}
	var handoff Shift
	found := false
	for horizon := p.horizon(t); x.Before(horizon); {
		src := p.at(x)
		if src == nobody {
			x = p.nextEdge(x)
			continue
		}
		_, end := p.extent(x, src)
		sh := p.shift(src, x, end, t.Location())
		if sh.User != p.user(cur) {
			return sh, true
		}
		if !found {
			handoff, found = sh, true
		}
		x = end
	}
	return handoff, found
}

// Shifts lists, in order, the shifts that overlap [from, to), as OnCall
// would return them: the first may start before from and the last may end
// after to. Spans with nobody on call are left out. Start and End are in
// from's location.
func (s Schedule) Shifts(from, to time.Time) []Shift {
	p, errs := s.compile()
	if len(errs) > 0 {
		return nil
	}
	var out []Shift
	for x := from; x.Before(to); {
		src := p.at(x)
		if src == nobody {
			x = p.nextEdge(x)
			continue
		}
		start, end := p.extent(x, src)
		out = append(out, p.shift(src, start, end, from.Location()))
		x = end
	}
	return out
}

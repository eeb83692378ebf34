package incident

import "strings"

// Status is where an incident is in its life.
type Status string

// The statuses, in the order an incident normally passes through them.
const (
	StatusOpen     Status = "open"
	StatusAcked    Status = "acked"
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
	StatusArchived Status = "archived"
)

// transitions is the one table of legal moves. A resolved incident may open
// again when its alerts fire again, and a resolved or acked one when a
// person reopens it; closed and archived are final for people.
var transitions = map[Status][]Status{
	StatusOpen:     {StatusAcked, StatusResolved, StatusClosed},
	StatusAcked:    {StatusResolved, StatusClosed, StatusOpen},
	StatusResolved: {StatusOpen, StatusClosed},
	StatusClosed:   {StatusArchived},
	StatusArchived: {},
}

// CanMove reports whether the table allows from -> to.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CheckMove returns nil for a legal move and a KindConflict error that says
// what is possible instead for an illegal one.
func CheckMove(key string, from, to Status) error {
	if CanMove(from, to) {
		return nil
	}
	next := transitions[from]
	if len(next) == 0 {
		return Errorf(KindConflict, "%s is %s and cannot become %s: it is final", key, from, to)
	}
	names := make([]string, len(next))
	for i, s := range next {
		names[i] = string(s)
	}
	return Errorf(KindConflict, "%s is %s and cannot become %s; from %s it can become: %s",
		key, from, to, from, strings.Join(names, ", "))
}

// Active reports whether the incident still has a live channel to work in.
func (s Status) Active() bool {
	return s == StatusOpen || s == StatusAcked || s == StatusResolved
}

// ParseStatus reads a status name.
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := transitions[st]; !ok {
		return "", Errorf(KindInvalid, "unknown status %q: use open, acked, resolved, closed or archived", s)
	}
	return st, nil
}

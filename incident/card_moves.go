package incident

import "slices"

// cardButtons are the welcome card's buttons and the status each one's
// command moves the incident to: the one table the card (welcomeCard) and
// the builtin page's buttons (through CardOffers) read. A button is
// offered in the statuses that may move to its status, or, when from is
// set, in those alone: Reopen on a resolved incident only (an acked one
// may be reopened too, with /incident reopen, but its card offers Resolve,
// and a third way back would crowd it).
var cardButtons = []struct {
	Action
	to   Status
	from []Status
}{
	{Action{ID: "ack", Label: "Ack", Command: "ack"}, StatusAcked, nil},
	{Action{ID: "resolve", Label: "Resolve", Command: "resolve"}, StatusResolved, nil},
	{Action{ID: "reopen", Label: "Reopen", Command: "reopen"}, StatusOpen, []Status{StatusResolved}},
	{Action{ID: "close", Label: "Close", Command: "close"}, StatusClosed, nil},
}

// CommandMove returns the status a card button's command (its name, as
// in "ack" or "close") moves an incident to; ok is false for a command
// that moves no status.
func CommandMove(command string) (to Status, ok bool) {
	for _, b := range cardButtons {
		if b.Command == command {
			return b.to, true
		}
	}
	return "", false
}

// CardOffers reports whether the card of an incident in status st offers
// the button of command; ok is false for a command no card button runs.
func CardOffers(st Status, command string) (offered, ok bool) {
	for _, b := range cardButtons {
		if b.Command == command {
			return offersIn(b.to, b.from, st), true
		}
	}
	return false, false
}

// offersIn is the rule of one button: its move is allowed from st, and st
// is one of from when from is set.
func offersIn(to Status, from []Status, st Status) bool {
	return CanMove(st, to) && (from == nil || slices.Contains(from, st))
}

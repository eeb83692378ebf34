package incident

// cardButtons are the welcome card's buttons and the status each one's
// command moves the incident to: the one table the card (welcomeCard) and
// the builtin page's buttons (through CommandMove) read.
var cardButtons = []struct {
	Action
	to Status
}{
	{Action{ID: "ack", Label: "Ack", Command: "ack"}, StatusAcked},
	{Action{ID: "resolve", Label: "Resolve", Command: "resolve"}, StatusResolved},
	{Action{ID: "close", Label: "Close", Command: "close"}, StatusClosed},
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

package incident

import (
	"context"
	"time"
)

// GroupWindow is what storm grouping keeps of one group of incidents
// (alerts of one escalation policy sharing the grouping labels) between
// alerts: the window it counts new incidents in, and when the storm last
// grew.
type GroupWindow struct {
	Key   string
	Start time.Time // when the current window began; zero: never
	Count int       // incidents of the group that opened alone in the current window
	Last  time.Time // when an incident last attached to the group's parent; zero: never
}

// GroupingTx is what storm grouping needs of a write transaction.
type GroupingTx interface {
	// GroupWindow returns the group's window and locks it until the
	// transaction ends: two transactions grouping incidents of the same
	// group (on two replicas) take turns, so they agree on the count and
	// on the parent. A group never seen returns a zero window with Key set.
	GroupWindow(ctx context.Context, key string) (GroupWindow, error)
	// SetGroupWindow writes the group's window.
	SetGroupWindow(ctx context.Context, w GroupWindow) error
	// Children lists the incidents attached to the parent, oldest first,
	// as this transaction sees them.
	Children(ctx context.Context, parentID int64) ([]*Incident, error)
}

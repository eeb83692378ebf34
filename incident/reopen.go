package incident

import (
	"context"
	"time"
)

// Reopen opens a resolved or acked incident again (an accidental
// resolve, an ack by the wrong person): its ack and resolution are
// cleared, the status cadence starts again and the channel says so.
//
// A closed incident is not reopened: its close started the archive (the
// transcript is built from the channel, stored in the ticket, verified,
// and the channel deleted), and a reopen would race that deletion or find
// the channel gone. Declare a new incident instead. An archived one is
// final.
func (s *Service) Reopen(ctx context.Context, key, actor, reason string) (*Incident, error) {
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		switch inc.Status {
		case StatusOpen:
			return Errorf(KindConflict, "%s is already open", inc.Key)
		case StatusClosed:
			return Errorf(KindConflict, "%s is closed and cannot be reopened: its transcript is being archived and its channel deleted; declare a new incident and mention %s in it", inc.Key, inc.Key)
		case StatusArchived:
			return Errorf(KindConflict, "%s is archived and cannot be reopened: its record is final; declare a new incident and mention %s in it", inc.Key, inc.Key)
		}
		return s.move(ctx, tx, inc, StatusOpen, actor, reason, now, moveOpts{})
	})
}

package incident

import (
	"context"
	"time"
)

// Escalation is the paging part (incident/escalation) as the lifecycle
// sees it: it reacts to changes (starts paging when an incident opens or
// fires again, stops when it is acked, resolved or closed) and pages by
// hand. Its jobs it registers itself.
type Escalation interface {
	Reactor
	// PageByHand pages who ("@alice", "alice" or "schedule:primary") for
	// inc in tx, on behalf of actor: /incident page. Mistakes of the
	// person are a failed Reply, not an error.
	PageByHand(ctx context.Context, tx Txn, inc *Incident, actor, who string) (Reply, error)
	// View is what the paging post shows of the incident's timeline.
	View(inc *Incident, events []Event) PagingView
}

// OnCallBoard says who is on call now and next on every schedule, for
// /incident oncall.
type OnCallBoard interface {
	Describe(at time.Time) string
}

// pageCommand pages a person or a schedule by hand: /incident page <who>.
func (s *Service) pageCommand(ctx context.Context, inc *Incident, actor, who string) (Reply, error) {
	if s.esc == nil {
		return Reply{Text: "Paging is off: configure paging in warroom's config.", Failed: true}, nil
	}
	var r Reply
	err := s.Update(ctx, func(tx Txn) error {
		cur, err := tx.Incident(ctx, inc.ID)
		if err != nil {
			return err
		}
		r, err = s.esc.PageByHand(ctx, tx, cur, actor, who)
		return err
	})
	return r, err
}

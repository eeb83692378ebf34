package escalation

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/incident"
)

// PageByHand pages a person or a schedule by hand: /incident page <who>.
func (e *Escalation) PageByHand(ctx context.Context, tx incident.Txn, inc *incident.Incident, actor, who string) (incident.Reply, error) {
	if !e.on() {
		return incident.Reply{Text: "Paging is off: configure paging in warroom's config.", Failed: true}, nil
	}
	t := Target{User: strings.TrimPrefix(who, "@")}
	if name, ok := strings.CutPrefix(who, "schedule:"); ok {
		t = Target{Schedule: name}
	}
	if t.User == "" && t.Schedule == "" {
		return incident.Reply{Text: "Say whom: /incident page @alice or /incident page schedule:primary", Failed: true}, nil
	}
	now := tx.Now()
	if err := e.pageTarget(ctx, tx, inc, t, "paged by @"+actor, fmt.Sprintf("manual/%d", now.UnixNano()), now); err != nil {
		return incident.Reply{}, err
	}
	if err := enqueuePagingPost(ctx, tx, inc, now); err != nil {
		return incident.Reply{}, err
	}
	return incident.Reply{Text: "Paging " + t.String() + "…"}, nil
}

package incident

import (
	"context"
	"strings"
	"time"
)

// EventTitleChanged is the timeline event of a new title.
const EventTitleChanged EventKind = "title_changed"

// SetTitle changes the incident's title; the channel header and the
// ticket (a comment, when title_changed is among its comment kinds)
// follow. The title is checked as at declaration.
func (s *Service) SetTitle(ctx context.Context, key, actor, title string) (*Incident, error) {
	title = strings.TrimSpace(title)
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		if !inc.Status.Active() {
			return Errorf(KindConflict, "%s is %s; its title can no longer change", inc.Key, inc.Status)
		}
		if inc.Title == title {
			return Errorf(KindConflict, "%s is already titled %q", inc.Key, title)
		}
		old := inc.Title
		inc.Title = title
		if err := inc.Validate(); err != nil {
			return err
		}
		return tx.Record(ctx, inc, Event{Kind: EventTitleChanged, Actor: actor, Text: "“" + old + "” → “" + title + "”", At: now}, true)
	})
}

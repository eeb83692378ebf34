package incident

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// EventDowntime is a downtime added, started or removed in the source,
// about an incident's object.
const EventDowntime EventKind = "downtime"

// DowntimeNote is a downtime event of a source (Icinga 2's DowntimeAdded,
// DowntimeStarted, DowntimeRemoved).
type DowntimeNote struct {
	What    string // added, started, removed
	Name    string // the downtime's name in the source
	Object  string // the host, or the service as "service on host"
	Author  string
	Comment string
	Start   time.Time
	End     time.Time
}

// Text says the note in plain words: "dbadmin scheduled downtime for
// dbcow22 lasting 2 days because DB tablespace maintenance".
func (n DowntimeNote) Text() string {
	comment, _, _ := strings.Cut(n.Comment, " [warroom ")
	why := ""
	if comment = strings.TrimSpace(comment); comment != "" {
		why = " because " + comment
	}
	switch n.What {
	case "started":
		return fmt.Sprintf("🛠 The downtime %s scheduled for %s started; it ends %s%s.", n.Author, n.Object, n.End.UTC().Format("2006-01-02 15:04 MST"), why)
	case "removed":
		return fmt.Sprintf("🛠 The downtime %s scheduled for %s was removed%s.", n.Author, n.Object, why)
	}
	return fmt.Sprintf("🛠 %s scheduled downtime for %s lasting %s%s.", n.Author, n.Object, plainLength(n.End.Sub(n.Start)), why)
}

// DowntimeFromSource posts a downtime event of the source's object into
// its live incident's channel and on its timeline, once per downtime and
// event. No live incident, or a downtime this incident scheduled itself
// being added (its job posted it), is fine and records nothing.
func (s *Service) DowntimeFromSource(ctx context.Context, source, dedupKey string, n DowntimeNote) error {
	return s.Update(ctx, func(tx Txn) error {
		inc, err := tx.ActiveIncidentByDedup(ctx, source, dedupKey)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if n.What == "added" && strings.Contains(n.Comment, downtimeMarker(inc)) {
			return nil
		}
		ref := n.Name + "/" + n.What
		now := s.clock.Now()
		ev := Event{IncidentID: inc.ID, Kind: EventDowntime, Actor: n.Author + " (in " + source + ")", Text: n.Text(), Ref: ref, At: now, RecordedAt: now}
		added, err := tx.AddEvent(ctx, &ev)
		if err != nil || !added {
			return err // not added: seen before, and posted then
		}
		return enqueuePost(ctx, tx, inc, PostSpec{Text: ev.Text}, inc.Key+"/post/downtime/"+ref)
	})
}

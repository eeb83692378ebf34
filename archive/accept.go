package archive

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// EventUncountedAccepted is an operator's signed acceptance, on the
// timeline, that up to a number of the messages the chat server counts are
// ones warroom cannot list (deleted Mattermost posts out of the API's
// reach), so that the archive may pass its completeness check without them.
const EventUncountedAccepted incident.EventKind = "archive_uncounted_accepted"

// acceptedRef is the Ref of an acceptance of n uncounted messages.
const acceptedRef = "archive/uncounted/"

// AcceptUncounted records, on the incident's timeline, that by accepts that
// up to n messages the chat server counts cannot be accounted for, and why.
// Nothing is deleted here: the next completeness check (a retry of the
// build, or the check before the channel is deleted) reads it, passes only
// if the walk falls short by n or fewer and nothing newer arrived, and the
// transcript says who accepted what. Accepting the same n twice records it
// once. The event is written by the incident Service (life).
func AcceptUncounted(ctx context.Context, store Store, life Lifecycle, inc *incident.Incident, n int, by, reason string, now time.Time) error {
	by, reason = strings.TrimSpace(by), strings.TrimSpace(reason)
	switch {
	case n <= 0:
		return incident.Errorf(incident.KindInvalid, "accept %d uncounted messages: give the shortfall the check named, 1 or more", n)
	case by == "":
		return incident.Errorf(incident.KindInvalid, "accept uncounted messages: say who accepts them")
	case reason == "":
		return incident.Errorf(incident.KindInvalid, "accept uncounted messages: give the reason (for example: posts deleted in the channel)")
	}
	return store.UpdateArchive(ctx, func(tx Tx) error {
		return life.RecordArchiveEvent(ctx, tx.Timeline(), incident.Event{IncidentID: inc.ID, Kind: EventUncountedAccepted, Actor: by,
			Text: fmt.Sprintf("accepts that up to %d messages the chat server counts are not in the transcript: %s", n, reason),
			At:   now, RecordedAt: now, Ref: acceptedRef + strconv.Itoa(n)})
	})
}

// accept applies the largest acceptance on the timeline to a short count.
func accept(c *Count, events []incident.Event) {
	for _, e := range events {
		if e.Kind != EventUncountedAccepted {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(e.Ref, acceptedRef))
		if err == nil && n > c.Accepted {
			c.Accepted, c.AcceptedBy = n, e.Actor
		}
	}
}

package archive

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// keepAttached archives an incident attached to a parent that has no
// ticket of its own (a storm's child: the parent holds the ticket): its
// transcript (its timeline; it had no channel) is checked in warroom's
// store and kept there, and the last step follows as after a store.
func (a *Archiver) keepAttached(ctx context.Context, rd round, inc *incident.Incident) error {
	docs, err := a.store.Documents(ctx, inc.ID)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return incident.Errorf(incident.KindPermanent, "%s has no transcript to keep; rebuild it", inc.Key)
	}
	reason := fmt.Sprintf("%s is attached to %s and has no ticket of its own", inc.Key, inc.Parent)
	for _, d := range docs {
		if err := checkStored(ctx, d.Document); err != nil {
			return err
		}
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		for _, d := range docs {
			if err := tx.MarkPlaced(ctx, inc.ID, d.Name, PlacementLocal, reason, now); err != nil {
				return err
			}
		}
		if err := a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventArchived, Actor: "warroom",
			Text: "transcript kept in warroom and verified by SHA-256: " + reason, At: now, RecordedAt: now, Ref: rd.key("archive")}); err != nil {
			return err
		}
		return enqueue(ctx, tx, rd, incident.JobDeleteChannel, inc, "/channel/delete")
	})
}

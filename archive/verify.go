package archive

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/warroom/warroom/incident"
)

// storeAndVerify puts each document into the ticket system, reads it back,
// and compares digests. Where each document went (in the ticket, or kept in
// warroom and why) is recorded as it happens, so that a retry or a restart
// skips what is placed and the summary tells the truth. Only when every
// document is placed does it enqueue the channel's deletion, in the same
// transaction that records the proof.
func (a *Archiver) storeAndVerify(ctx context.Context, j incident.Job) error {
	rd := roundOf(j)
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Ticket.Empty() && inc.Parent != "" {
		return a.keepAttached(ctx, rd, inc)
	}
	if inc.Ticket.Empty() {
		return incident.Errorf(incident.KindTransient, "%s has no ticket yet; the transcript waits for it", inc.Key)
	}
	docs, err := a.store.Documents(ctx, inc.ID)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return incident.Errorf(incident.KindPermanent, "%s has no transcript to store; rebuild it", inc.Key)
	}
	for _, d := range docs {
		if d.VerifiedAt != nil {
			continue
		}
		if err := a.place(ctx, inc, d.Document); err != nil {
			return err
		}
	}
	if docs, err = a.store.Documents(ctx, inc.ID); err != nil { // the placements as recorded
		return err
	}
	summary, err := a.summary(ctx, inc, docs)
	if err != nil {
		return err
	}
	local := 0
	for _, d := range docs {
		if d.Placement == PlacementLocal {
			local++
		}
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		if summary != "" {
			j, err := incident.NewTicketCommentJob(inc, rd.key("summary"), summary)
			if err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		text := fmt.Sprintf("transcript stored in %s %s and verified by SHA-256", inc.Ticket.Backend, inc.Ticket.Key)
		if local > 0 {
			text += fmt.Sprintf("; %d documents over its attachment limit kept in warroom", local)
		}
		if err := a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventArchived,
			Actor: "warroom", Text: text, At: now, RecordedAt: now, Ref: rd.key("archive")}); err != nil {
			return err
		}
		return enqueue(ctx, tx, rd, incident.JobDeleteChannel, inc, "/channel/delete")
	})
}

// place stores one document in the ticket (or finds it there already),
// reads it back and records where it went.
func (a *Archiver) place(ctx context.Context, inc *incident.Incident, d Document) error {
	if err := checkStored(ctx, d); err != nil {
		return err
	}
	has, err := a.tickets.HasDocument(ctx, inc.Ticket, d)
	if err != nil {
		return fmt.Errorf("check %s in ticket %s: %w", d.Name, inc.Ticket.Key, err)
	}
	if !has {
		err := a.tickets.StoreDocument(ctx, inc.Ticket, d)
		var tooLarge *TooLargeError
		if errors.As(err, &tooLarge) {
			a.log.Info("document kept in warroom only", "incident", inc.Key, "doc", d.Name, "why", err)
			return a.store.UpdateArchive(ctx, func(tx Tx) error {
				return tx.MarkPlaced(ctx, inc.ID, d.Name, PlacementLocal, tooLarge.Error(), a.clock.Now())
			})
		}
		if err != nil {
			return fmt.Errorf("store %s in ticket %s: %w", d.Name, inc.Ticket.Key, err)
		}
		if has, err = a.tickets.HasDocument(ctx, inc.Ticket, d); err != nil {
			return fmt.Errorf("read back %s from ticket %s: %w", d.Name, inc.Ticket.Key, err)
		}
		if !has {
			return incident.Errorf(incident.KindTransient, "%s in ticket %s does not match what was sent (sha256 %s)", d.Name, inc.Ticket.Key, d.SHA256)
		}
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error { return tx.MarkPlaced(ctx, inc.ID, d.Name, PlacementTicket, "", a.clock.Now()) })
}

// checkStored reads a document back from warroom's store as a stream and
// compares it with its recorded size and digest.
func checkStored(ctx context.Context, d Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := NewHasher()
	if _, err := io.Copy(h, rc); err != nil {
		return fmt.Errorf("read %s from warroom's store: %w", d.Name, err)
	}
	if sum, n := h.Sum(); sum != d.SHA256 || n != d.Size {
		return incident.Errorf(incident.KindPermanent, "%s in warroom's store does not match its recorded digest: the store is damaged", d.Name)
	}
	return nil
}

// summary renders the comment for the ticket, when one is wanted, from the
// placements as recorded.
func (a *Archiver) summary(ctx context.Context, inc *incident.Incident, docs []Stored) (string, error) {
	if a.opts.Summary == nil {
		return "", nil
	}
	events, err := a.store.Events(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	data := SummaryData{Incident: inc, Events: events, URL: a.opts.PublicURL + "/incidents/" + inc.Key,
		TimeToAck: since(inc.CreatedAt, inc.AckedAt), TimeToResolve: since(inc.CreatedAt, inc.ResolvedAt)}
	for _, d := range docs {
		if d.Format == "json" {
			if data.Participants, err = participantsOf(ctx, d.Document); err != nil {
				return "", err
			}
		}
		data.Documents = append(data.Documents, SummaryDoc{Name: d.Name, Size: int(d.Size), InTicket: d.Placement == PlacementTicket,
			KeptReason: d.Reason, URL: data.URL + "/documents/" + d.Name})
	}
	return a.opts.Summary.Render("ticket_summary", data)
}

// deleteChannel removes the channel, but only after it has checked for
// itself that every transcript document is placed and that the channel
// still holds what the transcript was checked against. A channel that
// changed since (a late message) gets its transcript rebuilt.
func (a *Archiver) deleteChannel(ctx context.Context, j incident.Job) error {
	rd := roundOf(j)
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	placed, err := a.allPlaced(ctx, inc.ID)
	if err != nil {
		return err
	}
	if !placed {
		return incident.Errorf(incident.KindPermanent, "refusing to delete the channel of %s: its transcript is not stored and verified", inc.Key)
	}
	how := "no channel"
	if !inc.Channel.Empty() {
		rec, err := a.store.RecordedCount(ctx, inc.ID)
		if err != nil {
			return err
		}
		if rec == nil {
			return incident.Errorf(incident.KindPermanent, "refusing to delete the channel of %s: its transcript records no completeness check; rebuild it", inc.Key)
		}
		now, err := a.chat.Count(ctx, inc.Channel, rec.Walk)
		switch {
		case incident.ErrorKind(err) == incident.KindNotFound:
			// Deleted or archived already (a crash after the delete): it
			// cannot have changed since.
		case err != nil:
			return fmt.Errorf("check the channel of %s before deleting it: %w", inc.Key, err)
		default:
			events, err := a.store.Events(ctx, inc.ID)
			if err != nil {
				return err
			}
			now.Archived = rec.Archived
			if accept(&now, events); !now.Complete() {
				return a.rebuild(ctx, inc, rd, now)
			}
		}
		if how, err = a.chat.DeleteChannel(ctx, inc.Channel); err != nil {
			return fmt.Errorf("delete channel %s of %s: %w", inc.Channel.Name, inc.Key, err)
		}
	}
	a.log.Info("channel removed after verified archive", "incident", inc.Key, "channel", inc.Channel.Name, "how", how)
	return a.lifecycle.MarkArchived(ctx, inc.ID, how)
}

// rebuild throws away a transcript the channel has outgrown and queues the
// next round of build, store and delete. The channel stays.
func (a *Archiver) rebuild(ctx context.Context, inc *incident.Incident, rd round, c Count) error {
	next := round{N: rd.N + 1}
	a.log.Warn("channel changed after its transcript was built; rebuilding", "incident", inc.Key, "round", next.N)
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		if err := a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventIncomplete, Actor: "warroom",
			Text: "the channel changed after its transcript was built: " + c.String() + "; the channel stays and the transcript is built again",
			At:   now, RecordedAt: now, Ref: next.key("archive/outgrown")}); err != nil {
			return err
		}
		if err := tx.ClearTranscript(ctx, inc.ID); err != nil {
			return err
		}
		return enqueue(ctx, tx, next, incident.JobBuildTranscript, inc, "/archive/build")
	})
}

func (a *Archiver) allPlaced(ctx context.Context, id int64) (bool, error) {
	docs, err := a.store.Documents(ctx, id)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		if d.VerifiedAt == nil {
			return false, nil
		}
	}
	return len(docs) > 0, nil
}

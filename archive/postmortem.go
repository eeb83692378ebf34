package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/warroom/warroom/incident"
)

// The postmortem goes through the archive's path: drafted by a durable job
// once the transcript is built (its participants and graphs come from the
// transcript), kept in warroom's store with its SHA-256, then stored in the
// ticket system by another job that reads it back and compares digests,
// and only then records it stored. Both jobs are idempotent: a retry after
// a crash finds the draft, or the attachment with the same digest, and
// does not add a second.

// PostmortemName is the document name of an incident's postmortem in its
// ticket.
func PostmortemName(key string) string { return key + "-postmortem.md" }

// PostmortemComment is what the postmortem_comment template sees: the
// ticket comment that goes with a stored revision.
type PostmortemComment struct {
	Incident   *incident.Incident
	Postmortem *incident.Postmortem
	Revision   incident.PostmortemRevision
	Name       string // the attachment's name
	URL        string // the postmortem's page in warroom
}

// draftPostmortem writes revision 1 of the incident's postmortem from its
// record, with the job that stores it in the ticket.
func (a *Archiver) draftPostmortem(ctx context.Context, j incident.Job) error {
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	next, err := incident.NewStorePostmortemJob(inc, 1)
	if err != nil {
		return err
	}
	_, err = a.store.Postmortem(ctx, inc.ID)
	if err == nil { // drafted before a crash: only make sure its store is queued
		return a.store.UpdateArchive(ctx, func(tx Tx) error { return tx.Enqueue(ctx, next) })
	}
	if incident.ErrorKind(err) != incident.KindNotFound {
		return err
	}
	if a.opts.Postmortem == nil {
		return incident.Errorf(incident.KindPermanent, "no postmortem template is loaded: warroom was started without its templates")
	}
	events, err := a.store.Events(ctx, inc.ID)
	if err != nil {
		return err
	}
	facts, err := a.transcriptFacts(ctx, inc)
	if err != nil {
		return err
	}
	now := a.clock.Now()
	body, err := a.opts.Postmortem.Render("postmortem", incident.DraftPostmortem(inc, events, facts, a.postmortemURL(inc), now))
	if err != nil {
		return incident.Errorf(incident.KindPermanent, "draft the postmortem of %s: %w; fix the postmortem template", inc.Key, err)
	}
	body += "\n"
	rev := incident.PostmortemRevision{N: 1, Body: body, Author: "warroom", At: now, SHA256: incident.Digest([]byte(body))}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		if err := tx.Postmortems().AddPostmortemRevision(ctx, inc.ID, rev); err != nil {
			return err
		}
		if err := a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventPostmortem, Actor: "warroom",
			Text: "postmortem drafted (revision 1): " + a.postmortemURL(inc), At: now, RecordedAt: now, Ref: "postmortem/draft"}); err != nil {
			return err
		}
		return tx.Enqueue(ctx, next)
	})
}

// storePostmortem puts one revision of the postmortem into the ticket,
// reads it back and records it stored, with a comment on the ticket.
func (a *Archiver) storePostmortem(ctx context.Context, j incident.Job) error {
	var p incident.StorePostmortemPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Revision < 1 {
		return incident.Errorf(incident.KindPermanent, "postmortem.store job %s names no revision", j.Key)
	}
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	pm, err := a.store.Postmortem(ctx, inc.ID)
	if err != nil {
		return err
	}
	if pm.StoredRevision >= p.Revision {
		return nil // stored before a crash, or a later revision is
	}
	rev, err := a.revision(ctx, inc, p.Revision)
	if err != nil {
		return err
	}
	d := Document{Format: "postmortem", Name: PostmortemName(inc.Key), ContentType: "text/markdown; charset=utf-8",
		Size: int64(len(rev.Body)), SHA256: rev.SHA256,
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(rev.Body)), nil }}
	if err := checkStored(ctx, d); err != nil { // warroom's own copy first
		return err
	}
	var where string
	switch {
	case inc.Ticket.Empty() && inc.Parent != "":
		where = fmt.Sprintf("kept in warroom: %s is attached to %s and has no ticket of its own", inc.Key, inc.Parent)
	case inc.Ticket.Empty():
		return incident.Errorf(incident.KindTransient, "%s has no ticket yet; the postmortem waits for it", inc.Key)
	default:
		placed, reason, err := a.putVerified(ctx, inc, d)
		if err != nil {
			return err
		}
		where = string(placed)
		if placed == PlacementLocal {
			where = "kept in warroom: " + reason
		}
	}
	comment := ""
	if where == string(PlacementTicket) && a.opts.Postmortem != nil {
		if comment, err = a.opts.Postmortem.Render("postmortem_comment", PostmortemComment{Incident: inc, Postmortem: pm, Revision: rev,
			Name: d.Name, URL: a.postmortemURL(inc)}); err != nil {
			return incident.Errorf(incident.KindPermanent, "render the postmortem's ticket comment: %w; fix the postmortem_comment template", err)
		}
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		if err := tx.Postmortems().MarkPostmortemStored(ctx, inc.ID, rev.N, where, now); err != nil {
			return err
		}
		text := fmt.Sprintf("postmortem revision %d stored in %s %s and verified by SHA-256", rev.N, inc.Ticket.Backend, inc.Ticket.Key)
		if where != string(PlacementTicket) {
			text = fmt.Sprintf("postmortem revision %d verified by SHA-256 and %s", rev.N, where)
		}
		if err := a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventPostmortem, Actor: "warroom",
			Text: text, At: now, RecordedAt: now, Ref: fmt.Sprintf("postmortem/store/%d", rev.N)}); err != nil {
			return err
		}
		if comment == "" {
			return nil
		}
		cj, err := incident.NewTicketCommentJob(inc, fmt.Sprintf("postmortem/%d", rev.N), comment)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, cj)
	})
}

func (a *Archiver) revision(ctx context.Context, inc *incident.Incident, n int) (incident.PostmortemRevision, error) {
	revs, err := a.store.PostmortemRevisions(ctx, inc.ID)
	if err != nil {
		return incident.PostmortemRevision{}, err
	}
	for _, r := range revs {
		if r.N == n {
			return r, nil
		}
	}
	return incident.PostmortemRevision{}, incident.Errorf(incident.KindPermanent, "the postmortem of %s has no revision %d", inc.Key, n)
}

func (a *Archiver) postmortemURL(inc *incident.Incident) string {
	return a.opts.PublicURL + "/incidents/" + inc.Key + "/postmortem"
}

// transcriptFacts reads who wrote how much and the graphs posted from the
// JSON transcript, when there is one.
func (a *Archiver) transcriptFacts(ctx context.Context, inc *incident.Incident) (incident.PostmortemFacts, error) {
	facts := incident.PostmortemFacts{Messages: map[string]int{}}
	docs, err := a.store.Documents(ctx, inc.ID)
	if err != nil {
		return facts, err
	}
	for _, d := range docs {
		if d.Format != "json" {
			continue
		}
		err := eachMessage(ctx, d.Document, func(m Message) {
			if !m.System && !m.Bot && m.Author != "" {
				facts.Messages[m.Author]++
			}
			for _, f := range m.Files {
				if !strings.HasPrefix(f.Type, "image/") {
					continue
				}
				g := incident.PostmortemGraph{Name: f.Name, Author: m.Author, At: m.At}
				if f.Archived != "" {
					g.URL = a.opts.PublicURL + "/incidents/" + inc.Key + "/documents/" + f.Archived
				}
				facts.Graphs = append(facts.Graphs, g)
			}
		})
		if err != nil {
			return facts, err
		}
	}
	return facts, nil
}

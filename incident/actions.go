package incident

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Declare opens an incident by hand (API or chat) and starts opening its
// channel and ticket.
func (s *Service) Declare(ctx context.Context, d Declaration) (*Incident, error) {
	sev := d.Severity
	if sev == 0 {
		sev = SeverityWarning
	}
	inc := &Incident{
		Title: strings.TrimSpace(d.Title), Summary: strings.TrimSpace(d.Summary), Severity: sev,
		Status: StatusOpen, Source: d.Source, Labels: d.Labels, Links: d.Links, Commander: d.Commander,
	}
	if inc.Commander == "" && IsPerson(d.Actor) {
		inc.Commander = d.Actor // the declarer leads until someone else is named
	}
	if inc.Source == "" {
		inc.Source = "api"
	}
	if err := inc.Validate(); err != nil {
		return nil, err
	}
	err := s.Update(ctx, func(tx Txn) error {
		return s.create(ctx, tx, inc, d.Actor, s.clock.Now())
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("incident declared", "incident", inc.Key, "severity", inc.Severity.String(), "actor", d.Actor)
	return inc, nil
}

// Declaration is what a person gives to open an incident by hand.
type Declaration struct {
	Title     string
	Summary   string
	Severity  Severity // 0 means warning
	Labels    map[string]string
	Links     []Link
	Commander string
	Actor     string
	Source    string // api or chat; empty means api
}

// create stores a new incident with its first event; the parts react to
// it (channel, posts, graphs, ticket, escalation). The routing rules are
// evaluated here, once, and the decision travels with the change.
func (s *Service) create(ctx context.Context, tx Txn, inc *Incident, actor string, now time.Time) error {
	return s.createRouted(ctx, tx, inc, actor, now, s.router.Route(inc.Labels))
}

// createRouted is create with the routing decision already made.
func (s *Service) createRouted(ctx context.Context, tx Txn, inc *Incident, actor string, now time.Time, route Route) error {
	inc.CreatedAt, inc.UpdatedAt, inc.Status = now, now, StatusOpen
	if route.Severity.Valid() {
		inc.Severity = route.Severity
	}
	inc.Queries = appendNew(inc.Queries, route.Queries...)
	if err := tx.CreateIncident(ctx, inc); err != nil {
		return err
	}
	return s.record(ctx, tx, Change{Incident: inc, Event: Event{Kind: EventDeclared, Actor: actor, Text: inc.Title, At: now}, Route: &route})
}

// Ack marks the incident as being worked on by actor.
func (s *Service) Ack(ctx context.Context, key, actor string) (*Incident, error) {
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		if inc.Status == StatusAcked {
			return Errorf(KindConflict, "%s is already acked by %s at %s", inc.Key, inc.AckedBy, inc.AckedAt.Format(time.RFC3339))
		}
		return s.move(ctx, tx, inc, StatusAcked, actor, "", now, moveOpts{})
	})
}

// Resolve marks the incident's problem as gone; the channel stays open.
func (s *Service) Resolve(ctx context.Context, key, actor, reason string) (*Incident, error) {
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		return s.move(ctx, tx, inc, StatusResolved, actor, reason, now, moveOpts{})
	})
}

// Close ends the incident and starts archiving: transcript, store, verify,
// and only then delete the channel.
func (s *Service) Close(ctx context.Context, key, actor, reason string) (*Incident, error) {
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		if err := s.move(ctx, tx, inc, StatusClosed, actor, reason, now, moveOpts{}); err != nil {
			return err
		}
		return enqueueArchive(ctx, tx, inc)
	})
}

// enqueueArchive queues the first step of archiving a closed incident.
func enqueueArchive(ctx context.Context, tx Tx, inc *Incident) error {
	j, err := NewJob(JobBuildTranscript, inc.ID, inc.Key+"/archive/build", nil)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// SetSeverity changes how bad the incident is.
func (s *Service) SetSeverity(ctx context.Context, key, actor string, sev Severity) (*Incident, error) {
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		return s.changeSeverity(ctx, tx, inc, actor, sev, "", now)
	})
}

// changeSeverity is the one way an incident's severity changes, by a
// person or by warroom (a storm's parent following a worse child): it is
// announced, and the header, card, ticket and status cadence follow. why,
// when set, says on the timeline what moved it. The caller writes inc.
func (s *Service) changeSeverity(ctx context.Context, tx Txn, inc *Incident, actor string, sev Severity, why string, now time.Time) error {
	if !inc.Status.Active() {
		return Errorf(KindConflict, "%s is %s; its severity can no longer change", inc.Key, inc.Status)
	}
	if inc.Severity == sev {
		return Errorf(KindConflict, "%s is already %s", inc.Key, sev)
	}
	text := inc.Severity.String() + " → " + sev.String()
	if why != "" {
		text += ": " + why
	}
	inc.Severity = sev
	return tx.Record(ctx, inc, Event{Kind: EventSeverityChanged, Actor: actor, Text: text, At: now}, true)
}

// UpdateStatus records a free-text status update ("rolled back, watching").
func (s *Service) UpdateStatus(ctx context.Context, key, actor, text string) (*Incident, error) {
	return s.addText(ctx, key, actor, text, EventStatusUpdate, "status update")
}

// AddNote puts a person's note on the timeline.
func (s *Service) AddNote(ctx context.Context, key, actor, text string) (*Incident, error) {
	return s.addText(ctx, key, actor, text, EventNote, "note")
}

func (s *Service) addText(ctx context.Context, key, actor, text string, kind EventKind, what string) (*Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, Errorf(KindInvalid, "the %s is empty: write what you want recorded", what)
	}
	if len(text) > 16<<10 {
		return nil, Errorf(KindInvalid, "the %s is %d bytes long; the limit is 16 KiB", what, len(text))
	}
	return s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		if inc.Status == StatusArchived {
			return Errorf(KindConflict, "%s is archived; its timeline is final", inc.Key)
		}
		if kind == EventStatusUpdate {
			inc.StatusMsg = text
		}
		return tx.Record(ctx, inc, Event{Kind: kind, Actor: actor, Text: text, At: now}, inc.Status.Active())
	})
}

// MarkArchived moves a closed incident to archived once its transcript is
// verified and its channel is gone; how says what became of the channel.
func (s *Service) MarkArchived(ctx context.Context, id int64, how string) error {
	_, err := s.mutate(ctx, FormatKey(id), func(tx Txn, inc *Incident, now time.Time) error {
		if inc.Status == StatusArchived {
			return nil
		}
		if err := tx.Record(ctx, inc, Event{Kind: EventChannelDeleted, Actor: "warroom", Text: how, At: now, Ref: "channel"}, false); err != nil {
			return err
		}
		return s.move(ctx, tx, inc, StatusArchived, "warroom", "", now, moveOpts{})
	})
	return err
}

// RecordFailure puts a job that failed for good on the incident's timeline,
// so the people in the incident see what did not happen and why.
func (s *Service) RecordFailure(ctx context.Context, j Job, reason string) {
	err := s.store.Update(ctx, func(tx Tx) error {
		now := s.clock.Now()
		_, err := tx.AddEvent(ctx, &Event{IncidentID: j.IncidentID, Kind: EventError, Actor: "warroom",
			Text: string(j.Kind) + " failed: " + reason, At: now, RecordedAt: now, Ref: "job/" + strconv.FormatInt(j.ID, 10) + "/" + strconv.Itoa(j.Attempts)})
		return err
	})
	if err != nil {
		s.log.Error("record job failure on timeline", "job", j.ID, "err", err)
	}
}

// PinnedMessage is a chat message someone pinned to the timeline.
type PinnedMessage struct {
	ID     string
	Author string
	Text   string
	At     time.Time // when the message was written
}

// Pin puts a chat message on the incident's timeline at the time it was
// written. Pinning the same message twice records it once.
func (s *Service) Pin(ctx context.Context, backend, channelID, actor string, m PinnedMessage) (*Incident, error) {
	inc, err := s.ByChannel(ctx, backend, channelID)
	if err != nil {
		return nil, err
	}
	return s.mutate(ctx, inc.Key, func(tx Txn, inc *Incident, now time.Time) error {
		if inc.Status == StatusArchived {
			return Errorf(KindConflict, "%s is archived; its timeline is final", inc.Key)
		}
		text := "“" + m.Text + "” (" + m.Author + ")"
		return tx.Record(ctx, inc, Event{Kind: EventPinned, Actor: actor, Text: text, At: m.At, Ref: "message/" + m.ID}, false)
	})
}

package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// postPayload is a chat.post job's payload. Template posts are rendered when
// the job runs, so that they show the incident as it is then (its channel,
// its ticket); Text posts go out as written.
type postPayload struct {
	Template string `json:"template,omitempty"`
	EventID  int64  `json:"event_id,omitempty"`
	Text     string `json:"text,omitempty"`
	Pin      bool   `json:"pin,omitempty"`
	Slot     string `json:"slot,omitempty"`   // remember the message's ID under this name
	Upsert   bool   `json:"upsert,omitempty"` // edit the slot's message when there is one
}

func postKey(inc *Incident, what string, n int64) string {
	return fmt.Sprintf("%s/post/%s/%d", inc.Key, what, n)
}

func (s *Service) enqueuePost(ctx context.Context, tx Tx, inc *Incident, p postPayload, key string) error {
	j, err := NewJob(JobPost, inc.ID, key, p)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// RegisterJobs gives the runner the Service's job handlers.
func (s *Service) RegisterJobs(r *Runner) {
	r.Handle(JobOpenChannel, s.runOpenChannel)
	r.Handle(JobPost, s.runPost)
	r.Handle(JobOpenTicket, s.runOpenTicket)
	r.Handle(JobSyncChannel, s.runSyncChannel)
	r.Handle(JobTicketComment, s.runTicketComment)
	r.Handle(JobCloseTicket, s.runCloseTicket)
	r.Handle(JobGraphs, s.runGraphs)
	r.Handle(JobGraph, s.runGraph)
	r.Handle(JobUpstreamAck, s.runUpstreamAck)
	r.Handle(JobPageStep, s.runPageStep)
	r.Handle(JobPageNotify, s.runPageNotify)
	r.Handle(JobPageUpdate, s.runPageUpdate)
}

// MessageData is what the chat templates see.
type MessageData struct {
	Incident *Incident
	Event    *Event      // the event an announcement is about
	URL      string      // the incident's page in warroom's web UI
	Runbook  *Runbook    // the matched runbook, for the runbook post
	Paging   *PagingView // for the paging post
}

// PagingView is what the paging post shows.
type PagingView struct {
	Pages []Event // who was paged, when, by which step
	Notes []Event // escalation stopped or ran out
	Next  string  // what fires next and when, while the incident is open
}

func (s *Service) messageData(inc *Incident) MessageData {
	return MessageData{Incident: inc, URL: s.publicURL + "/incidents/" + inc.Key}
}

func (s *Service) runOpenChannel(ctx context.Context, j Job) error {
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if !inc.Channel.Empty() {
		return nil
	}
	data := s.messageData(inc)
	spec := ChannelSpec{IncidentKey: inc.Key}
	for name, dst := range map[string]*string{
		"channel_name": &spec.Name, "channel_display_name": &spec.DisplayName,
		"channel_purpose": &spec.Purpose, "channel_header": &spec.Header,
	} {
		if *dst, err = s.render.Render(name, data); err != nil {
			return err
		}
	}
	route := s.router.Route(inc.Labels)
	if route.ChannelName != "" {
		tr, ok := s.render.(TextRenderer)
		if !ok {
			return Errorf(KindPermanent, "routing sets a channel name, but the renderer cannot render it")
		}
		if spec.Name, err = tr.RenderText("routing channel_name", route.ChannelName, data); err != nil {
			return Errorf(KindPermanent, "routing channel_name: %w", err)
		}
	}
	if inc.Commander != "" {
		spec.Invite = append(spec.Invite, inc.Commander)
	}
	spec.Invite = appendNew(spec.Invite, route.Invite...)
	ref, err := s.chat.OpenChannel(ctx, spec)
	if err != nil {
		return fmt.Errorf("open channel %q for %s: %w", spec.Name, inc.Key, err)
	}
	_, err = s.mutate(ctx, inc.Key, func(tx Tx, inc *Incident, now time.Time) error {
		inc.Channel = ref
		return s.record(ctx, tx, inc, Event{Kind: EventChannelOpened, Actor: "warroom", Text: ref.Name, At: now, Ref: ref.ID}, false)
	})
	return err
}

func (s *Service) runPost(ctx context.Context, j Job) error {
	var p postPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode chat.post payload: %w", err)
	}
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Channel.Empty() {
		return Errorf(KindPermanent, "%s has no channel to post in: opening it failed (see the timeline); retry the channel job first", inc.Key)
	}
	post := Post{Key: j.Key, Text: p.Text, Pin: p.Pin, Retry: j.Attempts > 1}
	if p.Template != "" {
		data := s.messageData(inc)
		if p.EventID != 0 {
			if data.Event, err = s.event(ctx, inc, p.EventID); err != nil {
				return err
			}
		}
		if p.Template == "paging" {
			events, err := s.store.Events(ctx, inc.ID)
			if err != nil {
				return err
			}
			view := &PagingView{}
			for _, ev := range events {
				switch {
				case ev.Kind == EventPaged:
					view.Pages = append(view.Pages, ev)
				case ev.Kind == EventEscalation && strings.HasPrefix(ev.Ref, "escalation/next/"):
					view.Next = ev.Text
				case ev.Kind == EventEscalation:
					view.Notes = append(view.Notes, ev)
				}
			}
			if inc.Status != StatusOpen {
				view.Next = ""
			}
			data.Paging = view
		}
		if p.Template == "runbook" {
			rb, ok := s.findRunbook(ctx, inc)
			if !ok {
				return nil // the runbook went away since: nothing to post
			}
			data.Runbook = &rb
		}
		if post.Text, err = s.render.Render(p.Template, data); err != nil {
			return err
		}
		if p.Template == "welcome" {
			post.Card = welcomeCard(inc, data.URL)
		}
	}
	if p.Upsert && p.Slot != "" {
		if post.EditID, err = s.store.ChatPost(ctx, inc.ID, p.Slot); err != nil {
			return err
		}
	}
	id, err := s.chat.Post(ctx, inc.Channel, post)
	if err != nil {
		return fmt.Errorf("post to %s: %w", inc.Channel.Name, err)
	}
	if p.Slot == "" {
		return nil
	}
	return s.store.Update(ctx, func(tx Tx) error { return tx.SetChatPost(ctx, inc.ID, p.Slot, id) })
}

// runSyncChannel renders the header and the status post from the incident
// as it is now, so a late or repeated sync is harmless.
func (s *Service) runSyncChannel(ctx context.Context, j Job) error {
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Channel.Empty() || inc.Status == StatusArchived {
		return nil
	}
	data := s.messageData(inc)
	header, err := s.render.Render("channel_header", data)
	if err != nil {
		return err
	}
	text, err := s.render.Render("status", data)
	if err != nil {
		return err
	}
	if err := s.chat.UpdateChannel(ctx, inc.Channel, ChannelState{Header: header, Status: text}); err != nil {
		return fmt.Errorf("update header of %s: %w", inc.Channel.Name, err)
	}
	statusID, err := s.store.ChatPost(ctx, inc.ID, "status")
	if err != nil || statusID == "" {
		return err // no status post (it failed for good): the header is enough
	}
	if _, err := s.chat.Post(ctx, inc.Channel, Post{Key: j.Key, Text: text, EditID: statusID}); err != nil {
		return fmt.Errorf("edit status post in %s: %w", inc.Channel.Name, err)
	}
	return nil
}

func (s *Service) runOpenTicket(ctx context.Context, j Job) error {
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if !inc.Ticket.Empty() {
		return nil
	}
	ref, err := s.tickets.OpenTicket(ctx, inc)
	if err != nil {
		return fmt.Errorf("open ticket for %s: %w", inc.Key, err)
	}
	_, err = s.mutate(ctx, inc.Key, func(tx Tx, inc *Incident, now time.Time) error {
		inc.Ticket = ref
		if err := s.record(ctx, tx, inc, Event{Kind: EventTicketOpened, Actor: "warroom", Text: ref.Key, At: now, Ref: ref.Key}, false); err != nil {
			return err
		}
		if !inc.Status.Active() {
			return nil
		}
		return s.enqueueSync(ctx, tx, inc, "ticket", now) // the header shows the ticket link
	})
	return err
}

// welcomeCard is the structured part of the welcome post: the facts at a
// glance and the buttons that run the common commands.
func welcomeCard(inc *Incident, url string) *Card {
	c := &Card{Title: inc.Key + " " + inc.Title, TitleURL: url, Text: inc.Summary, Severity: inc.Severity}
	// No status field: the card is not edited; the status post is.
	c.Fields = append(c.Fields, Field{Title: "Severity", Value: inc.Severity.String(), Short: true},
		Field{Title: "Source", Value: inc.Source, Short: true})
	if l := formatLabels(inc.Labels); l != "" {
		c.Fields = append(c.Fields, Field{Title: "Labels", Value: l})
	}
	c.Actions = []Action{
		{ID: "ack", Label: "Ack", Command: "ack"},
		{ID: "resolve", Label: "Resolve", Command: "resolve"},
		{ID: "close", Label: "Close", Command: "close"},
	}
	return c
}

package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ChatEffects is the chat side of the lifecycle: it opens the incident's
// channel, posts the welcome card, the summary, the runbook and the
// announcements, keeps the header and the status post current, and posts
// graphs. It reacts to changes by enqueuing chat-lane jobs and runs them.
type ChatEffects struct {
	store     Store
	chat      Chat
	render    Renderer
	clock     Clock
	publicURL string
	runbooks  runbookFinder
	graphs    Graphs // nil: no graphs
	// router decides for channel.open and runbook jobs enqueued before the
	// route travelled in their payload (an older warroom queued them).
	router Router
	life   *Service   // records the channel on the timeline
	esc    Escalation // makes the paging post's view; nil: paging is off
}

// The chat effects' kinds of job, all in the incident's chat lane, so a
// post waits for its channel and keeps its order.
const (
	JobOpenChannel JobKind = "channel.open" // create the incident's channel
	JobPost        JobKind = "chat.post"    // post a message into it
	JobSyncChannel JobKind = "channel.sync" // bring its header and status post up to date
)

func init() {
	RegisterKind(JobOpenChannel, KindSpec{Lane: "chat", Backend: BackendChat})
	RegisterKind(JobPost, KindSpec{Lane: "chat", Backend: BackendChat})
	RegisterKind(JobSyncChannel, KindSpec{Lane: "chat", Backend: BackendChat})
	RegisterKind(JobGraphs, KindSpec{Lane: "chat", Backend: BackendPrometheus})
	RegisterKind(JobGraph, KindSpec{Lane: "chat", Backend: BackendPrometheus})
}

// PostSpec is a chat.post job's payload. Template posts are rendered when
// the job runs, so that they show the incident as it is then (its channel,
// its ticket); Text posts go out as written. What a template sees beyond
// the incident is said by the flags, never by the template's name.
type PostSpec struct {
	Template string `json:"template,omitempty"`
	EventID  int64  `json:"event_id,omitempty"` // the event an announcement is about
	Text     string `json:"text,omitempty"`
	Pin      bool   `json:"pin,omitempty"`
	Slot     string `json:"slot,omitempty"`   // remember the message's ID under this name
	Upsert   bool   `json:"upsert,omitempty"` // edit the slot's message when there is one
	Card     bool   `json:"card,omitempty"`   // attach the welcome card with its buttons
	Paging   bool   `json:"paging,omitempty"` // the template sees the PagingView
	// Children makes the template see the incidents attached to this one.
	Children bool `json:"children,omitempty"`
	// Runbook makes the template see the incident's runbook: the one the
	// routing rule named (Name), else the one matched by labels or link.
	Runbook *RunbookChoice `json:"runbook,omitempty"`
	// legacy is set on payloads of an older warroom, whose extras were
	// implied by the template's name; see upgrade.
	legacy bool
}

// RunbookChoice is the routing decision about an incident's runbook.
type RunbookChoice struct {
	Name string `json:"name,omitempty"` // "": match by front matter
}

// openPayload is a channel.open job's payload: what routing decided for
// the channel when the incident opened.
type openPayload struct {
	Routed      bool     `json:"routed"`
	ChannelName string   `json:"channel_name,omitempty"`
	Invite      []string `json:"invite,omitempty"`
}

// NewPostJob builds the chat.post job that posts p in the incident's
// channel; key must be unique per message.
func NewPostJob(inc *Incident, key string, p PostSpec) (Job, error) {
	return NewJob(JobPost, inc.ID, key, p)
}

func postKey(inc *Incident, what string, n int64) string {
	return fmt.Sprintf("%s/post/%s/%d", inc.Key, what, n)
}

func enqueuePost(ctx context.Context, tx Tx, inc *Incident, p PostSpec, key string) error {
	j, err := NewPostJob(inc, key, p)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// RegisterJobs gives the runner the chat effects' handlers.
func (c *ChatEffects) RegisterJobs(r *Runner) {
	r.Handle(JobOpenChannel, c.runOpenChannel)
	r.Handle(JobPost, c.runPost)
	r.Handle(JobSyncChannel, c.runSyncChannel)
	r.Handle(JobGraphs, c.runGraphs)
	r.Handle(JobGraph, c.runGraph)
	r.Handle(JobInvite, c.runInvite)
}

// React enqueues the chat jobs a change calls for: the channel and its
// first posts when the incident opens, the announcement, and a sync of the
// header and status post when what they show changed.
func (c *ChatEffects) React(ctx context.Context, tx Txn, ch Change) error {
	inc, ev := ch.Incident, ch.Event
	if ev.Kind == EventDeclared {
		if err := c.opened(ctx, tx, inc, ch.Route); err != nil {
			return err
		}
	}
	if ch.Announce {
		if err := enqueuePost(ctx, tx, inc, PostSpec{Template: "announce", EventID: ev.ID}, postKey(inc, "event", ev.ID)); err != nil {
			return err
		}
	}
	var what string
	switch {
	case ev.Kind == EventStatusChanged && ev.To != StatusArchived:
		what = string(ev.To) // the channel is gone once archived
	case ev.Kind == EventSeverityChanged:
		what = "severity"
	case ev.Kind == EventStatusUpdate:
		what = "status"
	case ev.Kind == EventTicketOpened && inc.Status.Active():
		what = "ticket" // the header shows the ticket link
	case ev.Kind == EventCommanderChanged && !ch.Announce:
		return nil // taken by the first ack, in its transaction: the ack's own sync shows it
	case ev.Kind == EventCommanderChanged || ev.Kind == EventRoleChanged || ev.Kind == EventTitleChanged:
		what = "roles" // the header shows the roles; the status post the title
	default:
		return nil
	}
	return c.enqueueSync(ctx, tx, inc, what, ev.At)
}

// opened queues the channel, the welcome card with its buttons, the pinned
// summary, the status post that channel.sync edits in place, the runbook
// and the graphs of a new incident.
func (c *ChatEffects) opened(ctx context.Context, tx Tx, inc *Incident, route *Route) error {
	if route == nil {
		route = &Route{}
	}
	open, err := NewJob(JobOpenChannel, inc.ID, inc.Key+"/channel/open",
		openPayload{Routed: true, ChannelName: route.ChannelName, Invite: route.Invite})
	if err != nil {
		return err
	}
	if err := tx.Enqueue(ctx, open); err != nil {
		return err
	}
	posts := []PostSpec{{Template: "welcome", Card: true, Slot: "welcome"}, {Template: "summary", Pin: true}, {Template: "status", Slot: "status"}}
	if c.runbooks.has(inc, route.Runbook) {
		posts = append(posts, PostSpec{Template: "runbook", Runbook: &RunbookChoice{Name: route.Runbook}})
	}
	for _, p := range posts {
		if err := enqueuePost(ctx, tx, inc, p, postKey(inc, p.Template, 0)); err != nil {
			return err
		}
	}
	if c.graphs == nil {
		return nil
	}
	j, err := NewJob(JobGraphs, inc.ID, inc.Key+"/graphs", nil)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// enqueueSync queues the job that brings the channel's header and status
// post up to date. Its key is unique per change.
func (c *ChatEffects) enqueueSync(ctx context.Context, tx Tx, inc *Incident, what string, at time.Time) error {
	// The welcome card shows the title, severity, roles and the buttons the
	// status allows: only those changes edit it (a status update does not).
	var payload any
	if _, err := ParseStatus(what); err == nil || what == "severity" || what == "roles" {
		payload = syncPayload{Card: true}
	}
	j, err := NewJob(JobSyncChannel, inc.ID, fmt.Sprintf("%s/sync/%s/%d", inc.Key, what, at.UnixNano()), payload)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// syncPayload is a channel.sync job's payload; none (an older warroom's,
// or a change the card does not show) edits the header and status post only.
type syncPayload struct {
	Card bool `json:"card,omitempty"` // edit the welcome card too
}

// MessageData is what the chat templates see.
type MessageData struct {
	Incident *Incident
	Event    *Event        // the event an announcement is about
	URL      string        // the incident's page in warroom's web UI
	Runbook  *Runbook      // the matched runbook, for the runbook post
	Paging   *PagingView   // for the paging post
	Children *ChildrenView // for the attached-alerts post
}

// PagingView is what the paging post shows.
type PagingView struct {
	Pages []Event // who was paged, when, by which step
	Notes []Event // escalation stopped or ran out
	Next  string  // what fires next and when, while the incident is open
}

func messageData(publicURL string, inc *Incident) MessageData {
	return MessageData{Incident: inc, URL: publicURL + "/incidents/" + inc.Key}
}

func (c *ChatEffects) runOpenChannel(ctx context.Context, j Job) error {
	var p openPayload
	if len(j.Payload) > 0 {
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return Errorf(KindPermanent, "decode channel.open payload: %w", err)
		}
	}
	inc, err := c.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if !inc.Channel.Empty() {
		return nil
	}
	if !p.Routed {
		route := c.router.Route(inc.Labels)
		p = openPayload{Routed: true, ChannelName: route.ChannelName, Invite: route.Invite}
	}
	data := messageData(c.publicURL, inc)
	spec := ChannelSpec{IncidentKey: inc.Key}
	for name, dst := range map[string]*string{
		"channel_name": &spec.Name, "channel_display_name": &spec.DisplayName,
		"channel_purpose": &spec.Purpose, "channel_header": &spec.Header,
	} {
		if *dst, err = c.render.Render(name, data); err != nil {
			return err
		}
	}
	if p.ChannelName != "" {
		if spec.Name, err = c.render.RenderText("routing channel_name", p.ChannelName, data); err != nil {
			return Errorf(KindPermanent, "routing channel_name: %w", err)
		}
	}
	spec.Invite = channelInvitees(inc, p.Invite)
	ref, err := c.chat.OpenChannel(ctx, spec)
	if err != nil {
		return fmt.Errorf("open channel %q for %s: %w", spec.Name, inc.Key, err)
	}
	_, err = c.life.mutate(ctx, inc.Key, func(tx Txn, inc *Incident, now time.Time) error {
		inc.Channel = ref
		return tx.Record(ctx, inc, Event{Kind: EventChannelOpened, Actor: "warroom", Text: ref.Name, At: now, Ref: ref.ID}, false)
	})
	return err
}

// upgrade gives a payload queued by an older warroom the extras its
// template's name implied then; new payloads say them in their flags.
func (p *PostSpec) upgrade(raw json.RawMessage) {
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil {
		return
	}
	_, card := probe["card"]
	_, paging := probe["paging"]
	_, runbook := probe["runbook"]
	if card || paging || runbook || p.Template == "" {
		return
	}
	p.legacy = true
	switch p.Template {
	case "welcome":
		p.Card = true
	case "paging":
		p.Paging = true
	case "runbook":
		p.Runbook = &RunbookChoice{}
	}
}

func (c *ChatEffects) runPost(ctx context.Context, j Job) error {
	var p PostSpec
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode chat.post payload: %w", err)
	}
	p.upgrade(j.Payload)
	inc, err := c.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Channel.Empty() {
		return Errorf(KindPermanent, "%s has no channel to post in: opening it failed (see the timeline); retry the channel job first", inc.Key)
	}
	post := Post{Key: j.Key, Text: p.Text, Pin: p.Pin, Retry: j.Attempts > 1}
	if p.Template != "" {
		data := messageData(c.publicURL, inc)
		if p.EventID != 0 {
			if data.Event, err = eventOf(ctx, c.store, inc, p.EventID); err != nil {
				return err
			}
		}
		if p.Paging {
			if data.Paging, err = c.pagingView(ctx, inc); err != nil {
				return err
			}
		}
		if p.Children {
			if data.Children, err = c.childrenView(ctx, inc); err != nil {
				return err
			}
		}
		if p.Runbook != nil {
			name := p.Runbook.Name
			if p.legacy {
				name = c.router.Route(inc.Labels).Runbook
			}
			rb, ok := c.runbooks.findAny(ctx, inc, name)
			if !ok {
				return nil // the runbook went away since: nothing to post
			}
			data.Runbook = &rb
			post.Card = suggestedActionsCard(rb)
		}
		if post.Text, err = c.render.Render(p.Template, data); err != nil {
			return err
		}
		if p.Card {
			post.Card = welcomeCard(inc, data.URL)
		}
	}
	if p.Upsert && p.Slot != "" {
		if post.EditID, err = c.store.ChatPost(ctx, inc.ID, p.Slot); err != nil {
			return err
		}
	}
	id, err := c.chat.Post(ctx, inc.Channel, post)
	if err != nil {
		return fmt.Errorf("post to %s: %w", inc.Channel.Name, err)
	}
	if p.Slot == "" {
		return nil
	}
	return c.store.Update(ctx, func(tx Tx) error { return tx.SetChatPost(ctx, inc.ID, p.Slot, id) })
}

// pagingView is what the escalation makes of the timeline for the paging
// post; empty when paging is off since the post was queued.
func (c *ChatEffects) pagingView(ctx context.Context, inc *Incident) (*PagingView, error) {
	if c.esc == nil {
		return &PagingView{}, nil
	}
	events, err := c.store.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	v := c.esc.View(inc, events)
	return &v, nil
}

// runSyncChannel renders the header and the status post from the incident
// as it is now, so a late or repeated sync is harmless.
func (c *ChatEffects) runSyncChannel(ctx context.Context, j Job) error {
	inc, err := c.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Channel.Empty() || inc.Status == StatusArchived {
		return nil
	}
	data := messageData(c.publicURL, inc)
	header, err := c.render.Render("channel_header", data)
	if err != nil {
		return err
	}
	text, err := c.render.Render("status", data)
	if err != nil {
		return err
	}
	if err := c.chat.UpdateChannel(ctx, inc.Channel, ChannelState{Header: header, Status: text}); err != nil {
		return fmt.Errorf("update header of %s: %w", inc.Channel.Name, err)
	}
	statusID, err := c.store.ChatPost(ctx, inc.ID, "status")
	if err != nil || statusID == "" {
		return err // no status post (it failed for good): the header is enough
	}
	if _, err := c.chat.Post(ctx, inc.Channel, Post{Key: j.Key, Text: text, EditID: statusID}); err != nil {
		return fmt.Errorf("edit status post in %s: %w", inc.Channel.Name, err)
	}
	var p syncPayload
	if len(j.Payload) > 0 {
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return Errorf(KindPermanent, "decode channel.sync payload: %w", err)
		}
	}
	if !p.Card {
		return nil
	}
	return c.editWelcome(ctx, inc, data, j.Key+"/welcome")
}

// editWelcome brings the welcome card up to date: its severity, and only
// the buttons the incident can still take (no Ack once acked, only Close
// once resolved), so a button never answers that it is too late. An
// incident opened by an older warroom has no welcome slot: nothing to do.
func (c *ChatEffects) editWelcome(ctx context.Context, inc *Incident, data MessageData, key string) error {
	id, err := c.store.ChatPost(ctx, inc.ID, "welcome")
	if err != nil || id == "" {
		return err
	}
	text, err := c.render.Render("welcome", data)
	if err != nil {
		return err
	}
	got, err := c.chat.Post(ctx, inc.Channel, Post{Key: key, Text: text, Card: welcomeCard(inc, data.URL), EditID: id})
	if err != nil {
		return fmt.Errorf("edit welcome card in %s: %w", inc.Channel.Name, err)
	}
	if got == "" || got == id {
		return nil
	}
	// The backend replaced the message to change its card (Rocket.Chat):
	// the next edit is of the new one.
	return c.store.Update(ctx, func(tx Tx) error { return tx.SetChatPost(ctx, inc.ID, "welcome", got) })
}

// eventOf returns one event of an incident.
func eventOf(ctx context.Context, store Store, inc *Incident, id int64) (*Event, error) {
	events, err := store.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	for i := range events {
		if events[i].ID == id {
			return &events[i], nil
		}
	}
	return nil, Errorf(KindPermanent, "event %d of %s is gone", id, inc.Key)
}

// welcomeCard is the structured part of the welcome post: the facts at a
// glance and the buttons that run the common commands.
func welcomeCard(inc *Incident, url string) *Card {
	c := &Card{Title: inc.Key + " " + inc.Title, TitleURL: url, Text: inc.Summary, Severity: inc.Severity}
	// No status field: the status post says it; channel.sync edits the
	// card for its severity and buttons.
	c.Fields = append(c.Fields, Field{Title: "Severity", Value: inc.Severity.String(), Short: true},
		Field{Title: "Source", Value: inc.Source, Short: true})
	for _, h := range RoleHolders(inc, nil) {
		c.Fields = append(c.Fields, Field{Title: strings.ToUpper(h.Role[:1]) + h.Role[1:], Value: "@" + h.User, Short: true})
	}
	if l := formatLabels(inc.Labels); l != "" {
		c.Fields = append(c.Fields, Field{Title: "Labels", Value: l})
	}
	for _, a := range cardButtons {
		if offersIn(a.to, a.from, inc.Status) {
			c.Actions = append(c.Actions, a.Action)
		}
	}
	return c
}

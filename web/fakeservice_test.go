package web

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/incident"
)

// fakeService is the incident workflow in memory, for the handler tests:
// it implements Incidents, Lifecycle, Updates, Alerts and Commands the way
// their doc comments state (statuses move by incident.CheckMove, unknown
// keys are KindNotFound, bad input KindInvalid), records every call, and
// answers an injected error for any method.
type fakeService struct {
	mu        sync.Mutex
	now       func() time.Time
	incidents []*incident.Incident // index ID-1
	events    map[int64][]incident.Event
	calls     []call
	errs      map[string]error // method name -> what it answers instead
	reply     incident.Reply   // what RunCommand answers
}

// call is one recorded call. Key is the incident key, or the backend and
// channel ("builtin/room-1") for the calls by channel; Arg holds the call's
// struct argument (Declaration, Filter, AlertGroup, CommandRequest,
// PinnedMessage, Severity).
type call struct {
	Method string
	Key    string
	Actor  string
	Text   string
	Arg    any
}

var (
	_ Incidents = (*fakeService)(nil)
	_ Lifecycle = (*fakeService)(nil)
	_ Updates   = (*fakeService)(nil)
	_ Alerts    = (*fakeService)(nil)
	_ Commands  = (*fakeService)(nil)
)

func newFakeService(now func() time.Time) *fakeService {
	return &fakeService{now: now, events: map[int64][]incident.Event{}, errs: map[string]error{},
		reply: incident.Reply{Text: "done"}}
}

// add stores inc as it is (a status, a channel) and returns its copy with
// ID and Key set.
func (f *fakeService) add(inc incident.Incident) *incident.Incident {
	f.mu.Lock()
	defer f.mu.Unlock()
	return clone(f.create(&inc))
}

// edit changes the stored incident with key, for a test's setup.
func (f *fakeService) edit(key string, fn func(*incident.Incident)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	inc, err := f.find(key)
	if err != nil {
		panic("edit of a missing incident " + key)
	}
	fn(inc)
}

// failOn makes method answer err from now on; nil clears it.
func (f *fakeService) failOn(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.errs, method)
		return
	}
	f.errs[method] = err
}

// takeCalls returns the calls since the last take.
func (f *fakeService) takeCalls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.calls
	f.calls = nil
	return out
}

// stored returns a copy of the incident with key as the fake holds it.
func (f *fakeService) stored(key string) *incident.Incident {
	f.mu.Lock()
	defer f.mu.Unlock()
	inc, err := f.find(key)
	if err != nil {
		return nil
	}
	return clone(inc)
}

// enter records c and returns the injected error of its method; f.mu is
// held.
func (f *fakeService) enter(c call) error {
	f.calls = append(f.calls, c)
	return f.errs[c.Method]
}

func (f *fakeService) create(inc *incident.Incident) *incident.Incident {
	inc.ID = int64(len(f.incidents) + 1)
	inc.Key = incident.FormatKey(inc.ID)
	if inc.Status == "" {
		inc.Status = incident.StatusOpen
	}
	if inc.CreatedAt.IsZero() {
		inc.CreatedAt = f.now()
	}
	inc.UpdatedAt = inc.CreatedAt
	f.incidents = append(f.incidents, inc)
	return inc
}

func (f *fakeService) find(key string) (*incident.Incident, error) {
	id, err := incident.ParseKey(key)
	if err != nil {
		return nil, err
	}
	if id > int64(len(f.incidents)) {
		return nil, incident.Errorf(incident.KindNotFound, "no incident %s", incident.FormatKey(id))
	}
	return f.incidents[id-1], nil
}

func (f *fakeService) record(inc *incident.Incident, kind incident.EventKind, actor, text string, at time.Time) {
	now := f.now()
	inc.UpdatedAt = now
	f.events[inc.ID] = append(f.events[inc.ID], incident.Event{ID: int64(len(f.events[inc.ID]) + 1), IncidentID: inc.ID,
		Kind: kind, Actor: actor, Text: text, At: at, RecordedAt: now})
}

func clone(inc *incident.Incident) *incident.Incident {
	c := *inc
	return &c
}

// Get implements Incidents.
func (f *fakeService) Get(_ context.Context, key string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Get", Key: key}); err != nil {
		return nil, err
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	return clone(inc), nil
}

// List implements Incidents: status and a substring of the title, newest
// first, a page of Limit (default 50) from Offset.
func (f *fakeService) List(_ context.Context, flt incident.Filter) ([]*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "List", Arg: flt}); err != nil {
		return nil, err
	}
	var out []*incident.Incident
	for _, inc := range slices.Backward(f.incidents) {
		if len(flt.Status) > 0 && !slices.Contains(flt.Status, inc.Status) {
			continue
		}
		if !strings.Contains(strings.ToLower(inc.Title), strings.ToLower(flt.Query)) {
			continue
		}
		out = append(out, clone(inc))
	}
	limit := flt.Limit
	if limit == 0 {
		limit = 50
	}
	out = out[min(flt.Offset, len(out)):]
	return out[:min(limit, len(out))], nil
}

// Timeline implements Incidents.
func (f *fakeService) Timeline(_ context.Context, key string) ([]incident.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Timeline", Key: key}); err != nil {
		return nil, err
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	return slices.Clone(f.events[inc.ID]), nil
}

// ByChannel implements Incidents.
func (f *fakeService) ByChannel(_ context.Context, backend, channelID string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "ByChannel", Key: backend + "/" + channelID}); err != nil {
		return nil, err
	}
	inc, err := f.byChannel(backend, channelID)
	if err != nil {
		return nil, err
	}
	return clone(inc), nil
}

func (f *fakeService) byChannel(backend, channelID string) (*incident.Incident, error) {
	for _, inc := range f.incidents {
		if inc.Channel.Backend == backend && inc.Channel.ID == channelID && channelID != "" {
			return inc, nil
		}
	}
	return nil, incident.Errorf(incident.KindNotFound, "no incident has the %s channel %s", backend, channelID)
}

// Declare implements Lifecycle.
func (f *fakeService) Declare(_ context.Context, d incident.Declaration) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Declare", Actor: d.Actor, Arg: d}); err != nil {
		return nil, err
	}
	inc := &incident.Incident{Title: strings.TrimSpace(d.Title), Summary: strings.TrimSpace(d.Summary), Severity: d.Severity, Labels: d.Labels,
		Commander: d.Commander, Source: d.Source}
	if inc.Severity == 0 {
		inc.Severity = incident.SeverityWarning
	}
	if err := inc.Validate(); err != nil {
		return nil, err
	}
	f.create(inc)
	f.record(inc, incident.EventDeclared, d.Actor, inc.Title, f.now())
	return clone(inc), nil
}

// move changes the status of the incident with key as CheckMove allows.
func (f *fakeService) move(key, actor, reason string, to incident.Status, set func(*incident.Incident, time.Time)) (*incident.Incident, error) {
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	if err := incident.CheckMove(inc.Key, inc.Status, to); err != nil {
		return nil, err
	}
	now := f.now()
	from := inc.Status
	inc.Status = to
	set(inc, now)
	f.record(inc, incident.EventStatusChanged, actor, string(from)+" → "+string(to)+" "+reason, now)
	return clone(inc), nil
}

// Ack implements Lifecycle.
func (f *fakeService) Ack(_ context.Context, key, actor string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Ack", Key: key, Actor: actor}); err != nil {
		return nil, err
	}
	if inc, err := f.find(key); err == nil && inc.Status == incident.StatusAcked {
		return nil, incident.Errorf(incident.KindConflict, "%s is already acked by %s", inc.Key, inc.AckedBy)
	}
	return f.move(key, actor, "", incident.StatusAcked, func(inc *incident.Incident, now time.Time) {
		inc.AckedAt, inc.AckedBy = &now, actor
	})
}

// Resolve implements Lifecycle.
func (f *fakeService) Resolve(_ context.Context, key, actor, reason string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Resolve", Key: key, Actor: actor, Text: reason}); err != nil {
		return nil, err
	}
	return f.move(key, actor, reason, incident.StatusResolved, func(inc *incident.Incident, now time.Time) {
		inc.ResolvedAt = &now
	})
}

// Close implements Lifecycle.
func (f *fakeService) Close(_ context.Context, key, actor, reason string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Close", Key: key, Actor: actor, Text: reason}); err != nil {
		return nil, err
	}
	return f.move(key, actor, reason, incident.StatusClosed, func(inc *incident.Incident, now time.Time) {
		inc.ClosedAt, inc.ClosedBy, inc.CloseReason = &now, actor, reason
	})
}

// SetSeverity implements Updates.
func (f *fakeService) SetSeverity(_ context.Context, key, actor string, sev incident.Severity) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "SetSeverity", Key: key, Actor: actor, Arg: sev}); err != nil {
		return nil, err
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	if !inc.Status.Active() {
		return nil, incident.Errorf(incident.KindConflict, "%s is %s; its severity can no longer change", inc.Key, inc.Status)
	}
	if inc.Severity == sev {
		return nil, incident.Errorf(incident.KindConflict, "%s is already %s", inc.Key, sev)
	}
	f.record(inc, incident.EventSeverityChanged, actor, inc.Severity.String()+" → "+sev.String(), f.now())
	inc.Severity = sev
	return clone(inc), nil
}

// UpdateStatus implements Updates.
func (f *fakeService) UpdateStatus(_ context.Context, key, actor, text string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "UpdateStatus", Key: key, Actor: actor, Text: text}); err != nil {
		return nil, err
	}
	return f.addText(key, actor, text, incident.EventStatusUpdate, "status update")
}

// AddNote implements Updates.
func (f *fakeService) AddNote(_ context.Context, key, actor, text string) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "AddNote", Key: key, Actor: actor, Text: text}); err != nil {
		return nil, err
	}
	return f.addText(key, actor, text, incident.EventNote, "note")
}

func (f *fakeService) addText(key, actor, text string, kind incident.EventKind, what string) (*incident.Incident, error) {
	if text = strings.TrimSpace(text); text == "" {
		return nil, incident.Errorf(incident.KindInvalid, "the %s is empty: write what you want recorded", what)
	}
	inc, err := f.find(key)
	if err != nil {
		return nil, err
	}
	if inc.Status == incident.StatusArchived {
		return nil, incident.Errorf(incident.KindConflict, "%s is archived; its timeline is final", inc.Key)
	}
	if kind == incident.EventStatusUpdate {
		inc.StatusMsg = text
	}
	f.record(inc, kind, actor, text, f.now())
	return clone(inc), nil
}

// Pin implements Updates: a message already pinned records nothing new.
func (f *fakeService) Pin(_ context.Context, backend, channelID, actor string, m incident.PinnedMessage) (*incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "Pin", Key: backend + "/" + channelID, Actor: actor, Arg: m}); err != nil {
		return nil, err
	}
	inc, err := f.byChannel(backend, channelID)
	if err != nil {
		return nil, err
	}
	ref := "message/" + m.ID
	if !slices.ContainsFunc(f.events[inc.ID], func(ev incident.Event) bool { return ev.Ref == ref }) {
		f.record(inc, incident.EventPinned, actor, m.Author+": "+m.Text, m.At)
		evs := f.events[inc.ID]
		evs[len(evs)-1].Ref = ref
	}
	return clone(inc), nil
}

// IngestAlerts implements Alerts: a group lands on the live incident of its
// source and dedup key, or opens one; an all-resolved group that matches
// none is ignored.
func (f *fakeService) IngestAlerts(_ context.Context, g incident.AlertGroup) (incident.IngestResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "IngestAlerts", Key: g.DedupKey, Arg: g}); err != nil {
		return incident.IngestResult{}, err
	}
	if err := g.Validate(); err != nil {
		return incident.IngestResult{}, err
	}
	for _, inc := range f.incidents {
		if inc.Source == g.Source && inc.DedupKey == g.DedupKey && inc.Status.Active() {
			f.record(inc, incident.EventAlertFiring, g.Source, g.Title, f.now())
			return incident.IngestResult{Incident: clone(inc)}, nil
		}
	}
	if g.AllResolved() {
		return incident.IngestResult{Ignored: "every alert in the group is resolved and no open incident matches it"}, nil
	}
	sev := g.Severity
	if !sev.Valid() {
		sev = incident.SeverityWarning
	}
	inc := f.create(&incident.Incident{Title: g.Title, Summary: g.Summary, Severity: sev, Source: g.Source,
		DedupKey: g.DedupKey, Labels: g.Labels})
	f.record(inc, incident.EventDeclared, g.Source, g.Title, f.now())
	return incident.IngestResult{Incident: clone(inc), Created: true}, nil
}

// RunCommand implements Commands: it answers f.reply; "close" also closes
// the channel's incident, as the real command does.
func (f *fakeService) RunCommand(_ context.Context, req incident.CommandRequest) (incident.Reply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(call{Method: "RunCommand", Key: req.Backend + "/" + req.ChannelID, Actor: req.Actor, Text: req.Text, Arg: req}); err != nil {
		return incident.Reply{}, err
	}
	if cmd, err := incident.ParseCommand(req.Text); err == nil && cmd.Name == "close" && !f.reply.Failed {
		if inc, err := f.byChannel(req.Backend, req.ChannelID); err == nil {
			if _, err := f.move(inc.Key, req.Actor, "", incident.StatusClosed, func(inc *incident.Incident, now time.Time) {
				inc.ClosedAt, inc.ClosedBy = &now, req.Actor
			}); err != nil {
				return incident.Reply{Text: incident.ErrorMessage(err), Failed: true}, nil
			}
		}
	}
	return f.reply, nil
}

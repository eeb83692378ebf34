package main

import (
	"context"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/web"
)

// builtinRooms adapts the builtin chat backend to the web UI's view types,
// so that web never imports an integration.
type builtinRooms struct{ b *builtin.Backend }

// uiHistoryLimit bounds the messages a channel page shows.
const uiHistoryLimit = 2000

func (r builtinRooms) Backend() string { return r.b.Backend() }

func (r builtinRooms) Rooms(ctx context.Context) ([]web.Room, error) {
	chs, err := r.b.Channels(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]web.Room, len(chs))
	for i, ch := range chs {
		out[i] = room(ch)
	}
	return out, nil
}

func (r builtinRooms) Room(ctx context.Context, id string) (web.Room, error) {
	ch, err := r.b.Channel(ctx, id)
	if err != nil {
		return web.Room{}, err
	}
	return room(ch), nil
}

func (r builtinRooms) Lines(ctx context.Context, roomID string) ([]web.Line, error) {
	msgs, err := r.b.Messages(ctx, roomID, 0, uiHistoryLimit)
	if err != nil {
		return nil, err
	}
	out := make([]web.Line, len(msgs))
	for i, m := range msgs {
		out[i] = line(m)
	}
	return out, nil
}

func (r builtinRooms) Line(ctx context.Context, roomID, id string) (web.Line, error) {
	m, err := r.b.Message(ctx, roomID, id)
	if err != nil {
		return web.Line{}, err
	}
	return line(m), nil
}

func (r builtinRooms) Say(ctx context.Context, roomID, author, text, threadID string, files ...incident.File) (web.Line, error) {
	m, err := r.b.Say(ctx, roomID, author, text, threadID, files...)
	if err != nil {
		return web.Line{}, err
	}
	return line(m), nil
}

func room(ch builtin.Channel) web.Room {
	return web.Room{ID: ch.ID, Name: ch.Name, DisplayName: ch.DisplayName, Header: ch.Header,
		IncidentKey: ch.IncidentKey, Members: ch.Members, CreatedAt: ch.CreatedAt}
}

func (r builtinRooms) File(ctx context.Context, roomID, fileID string) (web.LineFile, []byte, error) {
	f, data, err := r.b.File(ctx, roomID, fileID)
	return web.LineFile{ID: f.ID, Name: f.Name, Type: f.Type, Size: f.Size}, data, err
}

func line(m builtin.Message) web.Line {
	l := web.Line{ID: m.ID, ThreadID: m.ThreadID, Author: m.Author, Text: m.Text, At: m.At, Card: m.Card}
	for _, f := range m.Files {
		l.Files = append(l.Files, web.LineFile{ID: f.ID, Name: f.Name, Type: f.Type, Size: f.Size})
	}
	return l
}

// Package archivetest checks chat backends and ticket systems against the
// rules that archive.Chat and archive.Tickets state in their doc comments,
// in the manner of testing/fstest: each backend's own tests call RunChat or
// RunTickets with a constructor.
package archivetest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/incident"
)

// counter keeps channel names, incident keys and texts unique within one
// Run, so that the backends of one Run may share a server.
type counter struct{ n atomic.Int64 }

func (c *counter) next() int64 { return c.n.Add(1) }

// channel opens a fresh channel through chat, named after the running test.
func (c *counter) channel(t *testing.T, chat incident.Chat) incident.ChannelRef {
	t.Helper()
	n := c.next()
	key := fmt.Sprintf("AT-%d", n)
	name := strings.ToLower(t.Name())
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > 24 {
		name = name[:24]
	}
	ch, err := chat.OpenChannel(context.Background(), incident.ChannelSpec{IncidentKey: key, Name: fmt.Sprintf("at-%d-%s", n, name),
		DisplayName: key + " " + t.Name(), Purpose: "archivetest", Header: key})
	if err != nil {
		t.Fatalf("open a channel: %v", err)
	}
	return ch
}

// ticket opens a fresh ticket through tickets.
func (c *counter) ticket(t *testing.T, tickets incident.Tickets) incident.TicketRef {
	t.Helper()
	n := c.next()
	inc := &incident.Incident{ID: n, Key: fmt.Sprintf("AT-%d", n), Title: "archivetest " + t.Name(), Severity: incident.SeverityWarning,
		Status: incident.StatusClosed, Source: "archivetest"}
	ref, err := tickets.OpenTicket(context.Background(), inc)
	if err != nil {
		t.Fatalf("open a ticket: %v", err)
	}
	return ref
}

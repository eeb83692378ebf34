package builtin

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// OpenTicket records the incident in warroom's own archive; its page in the
// web UI is the ticket.
func (b *Backend) OpenTicket(ctx context.Context, inc *incident.Incident) (incident.TicketRef, error) {
	if err := b.store.AddTicket(ctx, inc.Key, inc.Title, b.clock.Now()); err != nil {
		return incident.TicketRef{}, fmt.Errorf("open builtin ticket %s: %w", inc.Key, err)
	}
	return incident.TicketRef{Backend: Name, Key: inc.Key, URL: b.publicURL + "/incidents/" + inc.Key}, nil
}

// Comment does nothing: the builtin ticket is warroom's own incident page,
// whose timeline already holds every event.
func (b *Backend) Comment(ctx context.Context, t incident.TicketRef, c incident.TicketComment) error {
	return nil
}

// CloseTicket does nothing: the builtin ticket closes with its incident.
func (b *Backend) CloseTicket(ctx context.Context, t incident.TicketRef, reason string) error {
	return nil
}

// StoreDocument stores (or replaces) a document on the ticket, reading it
// as a stream, so that memory does not grow with its size.
func (b *Backend) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := b.store.WriteTicketDocument(ctx, t.Key, d.Name, d.ContentType, rc, b.clock.Now()); err != nil {
		return fmt.Errorf("store %s on builtin ticket %s: %w", d.Name, t.Key, err)
	}
	return nil
}

// HasDocument reads the stored bytes back as a stream and compares their
// size and hash.
func (b *Backend) HasDocument(ctx context.Context, t incident.TicketRef, d archive.Document) (bool, error) {
	h := archive.NewHasher()
	found, err := b.readDocument(ctx, t.Key, d.Name, h)
	if err != nil || !found {
		return false, err
	}
	sum, n := h.Sum()
	return n == d.Size && sum == d.SHA256, nil
}

// readDocument writes a stored document to w.
func (b *Backend) readDocument(ctx context.Context, ticketKey, name string, w io.Writer) (bool, error) {
	found, err := b.store.ReadTicketDocument(ctx, ticketKey, name, w)
	if err != nil {
		return found, fmt.Errorf("read back %s from builtin ticket %s: %w", name, ticketKey, err)
	}
	return found, nil
}

// Document returns a stored document's bytes and type, for download.
func (b *Backend) Document(ctx context.Context, ticketKey, name string) ([]byte, string, error) {
	ctype, found, err := b.store.TicketDocumentType(ctx, ticketKey, name)
	if err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", incident.Errorf(incident.KindNotFound, "%s is not stored on ticket %s", name, ticketKey)
	}
	var buf bytes.Buffer
	_, err = b.readDocument(ctx, ticketKey, name, &buf)
	return buf.Bytes(), ctype, err
}

var (
	_ incident.Chat    = (*Backend)(nil)
	_ incident.Tickets = (*Backend)(nil)
	_ archive.Chat     = (*Backend)(nil)
	_ archive.Tickets  = (*Backend)(nil)
)

// OpenFollowupTicket makes the follow-up an item of the incident's page:
// its ticket is the follow-up as the page shows it, marked done there.
// Nothing is written outside warroom's own store, so a retry gives the
// same reference.
func (b *Backend) OpenFollowupTicket(ctx context.Context, inc *incident.Incident, f incident.Followup) (incident.TicketRef, error) {
	return incident.TicketRef{Backend: Name, Key: fmt.Sprintf("%s-F%d", inc.Key, f.ID),
		URL: fmt.Sprintf("%s/incidents/%s#followup-%d", b.publicURL, inc.Key, f.ID)}, nil
}

// TracksFollowups is false: the builtin follow-ups are marked done on the
// incident page.
func (b *Backend) TracksFollowups() bool { return false }

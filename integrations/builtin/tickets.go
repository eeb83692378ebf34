package builtin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// OpenTicket records the incident in warroom's own archive; its page in the
// web UI is the ticket.
func (b *Backend) OpenTicket(ctx context.Context, inc *incident.Incident) (incident.TicketRef, error) {
	_, err := b.db.ExecContext(ctx, `INSERT INTO builtin_tickets (key, title, created_at) VALUES (?,?,?) ON CONFLICT (key) DO NOTHING`,
		inc.Key, inc.Title, nanos(b.clock.Now()))
	if err != nil {
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

// StoreDocument stores (or replaces) a document on the ticket. The builtin
// ticket keeps a document in one row, so its content is read whole.
func (b *Backend) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	content := make([]byte, 0, d.Size)
	content, err = readAll(rc, content)
	rc.Close()
	if err != nil {
		return fmt.Errorf("read %s for builtin ticket %s: %w", d.Name, t.Key, err)
	}
	_, err = b.db.ExecContext(ctx, `INSERT INTO builtin_ticket_files (ticket_key, name, content_type, content, stored_at)
		VALUES (?,?,?,?,?) ON CONFLICT (ticket_key, name) DO UPDATE SET content_type = excluded.content_type,
		content = excluded.content, stored_at = excluded.stored_at`,
		t.Key, d.Name, d.ContentType, content, nanos(b.clock.Now()))
	if err != nil {
		return fmt.Errorf("store %s on builtin ticket %s: %w", d.Name, t.Key, err)
	}
	return nil
}

// HasDocument reads the stored bytes back and compares their hash.
func (b *Backend) HasDocument(ctx context.Context, t incident.TicketRef, d archive.Document) (bool, error) {
	var content []byte
	err := b.db.QueryRowContext(ctx, `SELECT content FROM builtin_ticket_files WHERE ticket_key = ? AND name = ?`, t.Key, d.Name).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read back %s from builtin ticket %s: %w", d.Name, t.Key, err)
	}
	return int64(len(content)) == d.Size && archive.Digest(content) == d.SHA256, nil
}

// readAll appends what r holds to buf, which is sized for it.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// Document returns a stored document's bytes and type, for download.
func (b *Backend) Document(ctx context.Context, ticketKey, name string) ([]byte, string, error) {
	var content []byte
	var ctype string
	err := b.db.QueryRowContext(ctx, `SELECT content, content_type FROM builtin_ticket_files WHERE ticket_key = ? AND name = ?`,
		ticketKey, name).Scan(&content, &ctype)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", incident.Errorf(incident.KindNotFound, "%s is not stored on ticket %s", name, ticketKey)
	}
	return content, ctype, err
}

var (
	_ incident.Chat    = (*Backend)(nil)
	_ incident.Tickets = (*Backend)(nil)
	_ archive.Chat     = (*Backend)(nil)
	_ archive.Tickets  = (*Backend)(nil)
)

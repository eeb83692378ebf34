package builtin

import (
	"bytes"
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

// chunkBytes is the most one stored chunk of a ticket document holds.
const chunkBytes = 256 << 10

// StoreDocument stores (or replaces) a document on the ticket, reading it
// as a stream into chunks, so that memory does not grow with its size.
func (b *Backend) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s on builtin ticket %s: %w", d.Name, t.Key, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO builtin_ticket_files (ticket_key, name, content_type, content, stored_at)
		VALUES (?,?,?,X'',?) ON CONFLICT (ticket_key, name) DO UPDATE SET content_type = excluded.content_type,
		content = excluded.content, stored_at = excluded.stored_at`,
		t.Key, d.Name, d.ContentType, nanos(b.clock.Now()))
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM builtin_ticket_chunks WHERE ticket_key = ? AND name = ?`, t.Key, d.Name)
	}
	buf := make([]byte, chunkBytes)
	for seq := 0; err == nil; seq++ {
		n, rerr := io.ReadFull(rc, buf)
		if n > 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO builtin_ticket_chunks (ticket_key, name, seq, content) VALUES (?,?,?,?)`,
				t.Key, d.Name, seq, buf[:n])
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			err = rerr
		}
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
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

// readDocument writes a stored document to w: the content of the row, or
// (when that is empty) its chunks in order.
func (b *Backend) readDocument(ctx context.Context, ticketKey, name string, w io.Writer) (bool, error) {
	var content []byte
	err := b.db.QueryRowContext(ctx, `SELECT content FROM builtin_ticket_files WHERE ticket_key = ? AND name = ?`, ticketKey, name).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read back %s from builtin ticket %s: %w", name, ticketKey, err)
	}
	if len(content) > 0 {
		_, err := w.Write(content)
		return true, err
	}
	for seq := 0; ; seq++ {
		err := b.db.QueryRowContext(ctx, `SELECT content FROM builtin_ticket_chunks WHERE ticket_key = ? AND name = ? AND seq = ?`,
			ticketKey, name, seq).Scan(&content)
		if errors.Is(err, sql.ErrNoRows) {
			return true, nil
		}
		if err != nil {
			return true, fmt.Errorf("read back %s from builtin ticket %s: %w", name, ticketKey, err)
		}
		if _, err := w.Write(content); err != nil {
			return true, err
		}
	}
}

// Document returns a stored document's bytes and type, for download.
func (b *Backend) Document(ctx context.Context, ticketKey, name string) ([]byte, string, error) {
	var ctype string
	err := b.db.QueryRowContext(ctx, `SELECT content_type FROM builtin_ticket_files WHERE ticket_key = ? AND name = ?`,
		ticketKey, name).Scan(&ctype)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", incident.Errorf(incident.KindNotFound, "%s is not stored on ticket %s", name, ticketKey)
	}
	if err != nil {
		return nil, "", err
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

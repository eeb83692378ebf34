package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/warroom/warroom/incident/internal/sqlstore"
	"io"
	"time"
)

// AddTicket stores a builtin ticket, keeping one already stored.
func (b *BuiltinStore) AddTicket(ctx context.Context, key, title string, at time.Time) error {
	_, err := b.s.q().ExecContext(ctx, `INSERT INTO builtin_tickets (key, title, created_at) VALUES (?,?,?) ON CONFLICT (key) DO NOTHING`,
		key, title, nanos(at))
	return err
}

// WriteTicketDocument stores a document on a ticket in one transaction: its
// row (with empty content) and its bytes as chunks of sqlstore.ChunkBytes, read from
// content as a stream.
func (b *BuiltinStore) WriteTicketDocument(ctx context.Context, ticketKey, name, contentType string, content io.Reader, at time.Time) error {
	return b.s.tx(ctx, func(tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO builtin_ticket_files (ticket_key, name, content_type, content, stored_at)
			VALUES (?,?,?,'\x',?) ON CONFLICT (ticket_key, name) DO UPDATE SET content_type = excluded.content_type,
			content = excluded.content, stored_at = excluded.stored_at`, ticketKey, name, contentType, nanos(at))
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM builtin_ticket_chunks WHERE ticket_key = ? AND name = ?`, ticketKey, name); err != nil {
			return err
		}
		buf := make([]byte, sqlstore.ChunkBytes)
		for seq := 0; ; seq++ {
			n, rerr := io.ReadFull(content, buf)
			if n > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO builtin_ticket_chunks (ticket_key, name, seq, content) VALUES (?,?,?,?)`,
					ticketKey, name, seq, buf[:n]); err != nil {
					return err
				}
			}
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				return nil
			}
			if rerr != nil {
				return rerr
			}
		}
	})
}

// ReadTicketDocument writes a stored document to w: the content of its row,
// or (when that is empty, as for every document stored as a stream) its
// chunks in order.
func (b *BuiltinStore) ReadTicketDocument(ctx context.Context, ticketKey, name string, w io.Writer) (bool, error) {
	var content []byte
	err := b.s.q().QueryRowContext(ctx, `SELECT content FROM builtin_ticket_files WHERE ticket_key = ? AND name = ?`, ticketKey, name).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(content) > 0 {
		_, err := w.Write(content)
		return true, err
	}
	for seq := 0; ; seq++ {
		err := b.s.q().QueryRowContext(ctx, `SELECT content FROM builtin_ticket_chunks WHERE ticket_key = ? AND name = ? AND seq = ?`,
			ticketKey, name, seq).Scan(&content)
		if errors.Is(err, sql.ErrNoRows) {
			return true, nil
		}
		if err != nil {
			return true, fmt.Errorf("chunk %d: %w", seq, err)
		}
		if _, err := w.Write(content); err != nil {
			return true, err
		}
	}
}

// TicketDocumentType returns a stored document's content type.
func (b *BuiltinStore) TicketDocumentType(ctx context.Context, ticketKey, name string) (string, bool, error) {
	var ctype string
	err := b.s.q().QueryRowContext(ctx, `SELECT content_type FROM builtin_ticket_files WHERE ticket_key = ? AND name = ?`,
		ticketKey, name).Scan(&ctype)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return ctype, err == nil, err
}

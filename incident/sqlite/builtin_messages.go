package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/builtin"
)

const builtinMessageColumns = `seq, id, thread_id, author, text, card, system, pinned, created_at, edited_at`

// AddMessage stores a message; with a key, a repeat keeps the first one
// (ON CONFLICT on the unique post_key) and returns its ID. seq is SQLite's
// AUTOINCREMENT on the one writer connection, so it follows commit order.
func (b *BuiltinStore) AddMessage(ctx context.Context, channelID string, m builtin.Message, key string) (string, error) {
	var card string
	if m.Card != nil {
		raw, err := json.Marshal(m.Card)
		if err != nil {
			return "", fmt.Errorf("encode card: %w", err)
		}
		card = string(raw)
	}
	var postKey any
	if key != "" {
		postKey = key
	}
	_, err := b.s.db.ExecContext(ctx, `INSERT INTO builtin_messages (id, channel_id, thread_id, author, text, card, system, pinned, post_key, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (post_key) DO NOTHING`,
		m.ID, channelID, m.ThreadID, m.Author, m.Text, card, m.System, m.Pinned, postKey, nanos(m.At))
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return "", fmt.Errorf("channel %s: %w", channelID, builtin.ErrNoChannel)
		}
		return "", err
	}
	if key == "" {
		return m.ID, nil
	}
	var id string
	err = b.s.db.QueryRowContext(ctx, `SELECT id FROM builtin_messages WHERE post_key = ?`, key).Scan(&id)
	return id, err
}

// EditMessage replaces a message's text, and its card when card is not
// nil.
func (b *BuiltinStore) EditMessage(ctx context.Context, channelID, id, text string, card *incident.Card, at time.Time) error {
	if card == nil {
		_, err := b.s.db.ExecContext(ctx, `UPDATE builtin_messages SET text = ?, edited_at = ? WHERE channel_id = ? AND id = ?`,
			text, nanos(at), channelID, id)
		return err
	}
	raw, err := json.Marshal(card)
	if err != nil {
		return fmt.Errorf("encode card: %w", err)
	}
	_, err = b.s.db.ExecContext(ctx, `UPDATE builtin_messages SET text = ?, card = ?, edited_at = ? WHERE channel_id = ? AND id = ?`,
		text, string(raw), nanos(at), channelID, id)
	return err
}

// Message returns one message of a channel, without its files.
func (b *BuiltinStore) Message(ctx context.Context, channelID, id string) (builtin.Message, bool, error) {
	m, err := scanBuiltinMessage(b.s.db.QueryRowContext(ctx, `SELECT `+builtinMessageColumns+` FROM builtin_messages
		WHERE channel_id = ? AND id = ?`, channelID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return builtin.Message{}, false, nil
	}
	return m, err == nil, err
}

// Messages returns a page of a channel's messages by seq.
func (b *BuiltinStore) Messages(ctx context.Context, channelID string, afterSeq int64, limit int) ([]builtin.Message, error) {
	rows, err := b.s.db.QueryContext(ctx, `SELECT `+builtinMessageColumns+` FROM builtin_messages
		WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT ?`, channelID, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []builtin.Message
	for rows.Next() {
		m, err := scanBuiltinMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountMessages counts a channel's messages, and those after afterID, in
// one statement (one snapshot).
func (b *BuiltinStore) CountMessages(ctx context.Context, channelID, afterID string) (all, newer int, err error) {
	err = b.s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(seq > coalesce(
		(SELECT seq FROM builtin_messages WHERE channel_id = ? AND id = ?), 0)), 0)
		FROM builtin_messages WHERE channel_id = ?`, channelID, afterID, channelID).Scan(&all, &newer)
	return all, newer, err
}

func scanBuiltinMessage(row scanner) (builtin.Message, error) {
	var m builtin.Message
	var card string
	var at int64
	var edited sql.NullInt64
	if err := row.Scan(&m.Seq, &m.ID, &m.ThreadID, &m.Author, &m.Text, &card, &m.System, &m.Pinned, &at, &edited); err != nil {
		return builtin.Message{}, err
	}
	m.At, m.EditedAt = fromNanos(at), nullTime(edited)
	if card != "" {
		m.Card = &incident.Card{}
		if err := json.Unmarshal([]byte(card), m.Card); err != nil {
			return builtin.Message{}, fmt.Errorf("decode card of message %s: %w", m.ID, err)
		}
	}
	return m, nil
}

// AddFile stores a file of a message.
func (b *BuiltinStore) AddFile(ctx context.Context, messageID string, f builtin.FileInfo, data []byte) error {
	_, err := b.s.db.ExecContext(ctx, `INSERT INTO builtin_files (id, message_id, name, type, size, data) VALUES (?,?,?,?,?,?)`,
		f.ID, messageID, f.Name, f.Type, len(data), data)
	return err
}

// Files lists a message's files in the order they were added.
func (b *BuiltinStore) Files(ctx context.Context, messageID string) ([]builtin.FileInfo, error) {
	rows, err := b.s.db.QueryContext(ctx, `SELECT id, name, type, size FROM builtin_files WHERE message_id = ? ORDER BY rowid`, messageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []builtin.FileInfo
	for rows.Next() {
		var f builtin.FileInfo
		if err := rows.Scan(&f.ID, &f.Name, &f.Type, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// File returns a file of a message of the channel, with its bytes.
func (b *BuiltinStore) File(ctx context.Context, channelID, fileID string) (builtin.FileInfo, []byte, bool, error) {
	var f builtin.FileInfo
	var data []byte
	err := b.s.db.QueryRowContext(ctx, `SELECT f.id, f.name, f.type, f.size, f.data FROM builtin_files f
		JOIN builtin_messages m ON m.id = f.message_id WHERE m.channel_id = ? AND f.id = ?`, channelID, fileID).
		Scan(&f.ID, &f.Name, &f.Type, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return builtin.FileInfo{}, nil, false, nil
	}
	return f, data, err == nil, err
}

// FileData returns a file's bytes.
func (b *BuiltinStore) FileData(ctx context.Context, fileID string) ([]byte, error) {
	var data []byte
	err := b.s.db.QueryRowContext(ctx, `SELECT data FROM builtin_files WHERE id = ?`, fileID).Scan(&data)
	return data, err
}

package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/warroom/warroom/integrations/builtin"
)

// BuiltinStore keeps the builtin chat backend's and ticket system's rows in
// the warroom database (migration 0005), shared by every replica. It
// implements builtin.Store.
type BuiltinStore struct{ s *DB }

// Builtin returns the store of the builtin backend.
func (s *DB) Builtin() *BuiltinStore { return &BuiltinStore{s: s} }

var _ builtin.Store = (*BuiltinStore)(nil)

const builtinChannelColumns = `id, incident_key, name, display_name, purpose, header, members, created_at`

// CreateChannel stores a new channel.
func (b *BuiltinStore) CreateChannel(ctx context.Context, ch builtin.Channel) error {
	_, err := b.s.q().ExecContext(ctx, `INSERT INTO builtin_channels (`+builtinChannelColumns+`) VALUES (?,?,?,?,?,?,?,?)`,
		ch.ID, ch.IncidentKey, ch.Name, ch.DisplayName, ch.Purpose, ch.Header, strings.Join(ch.Members, ","), nanos(ch.CreatedAt))
	return err
}

// LookupChannel finds a channel by ID, incident key or name.
func (b *BuiltinStore) LookupChannel(ctx context.Context, l builtin.ChannelLookup) (builtin.Channel, bool, error) {
	var where, arg string
	switch {
	case l.ID != "":
		where, arg = `id = ?`, l.ID
	case l.IncidentKey != "":
		where, arg = `incident_key = ?`, l.IncidentKey
	case l.Name != "":
		where, arg = `name = ?`, l.Name
	default:
		return builtin.Channel{}, false, fmt.Errorf("look up a builtin channel: no ID, incident key or name given")
	}
	ch, err := scanBuiltinChannel(b.s.q().QueryRowContext(ctx, `SELECT `+builtinChannelColumns+` FROM builtin_channels WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return builtin.Channel{}, false, nil
	}
	return ch, err == nil, err
}

// ListChannels returns every channel, newest first.
func (b *BuiltinStore) ListChannels(ctx context.Context) ([]builtin.Channel, error) {
	rows, err := b.s.q().QueryContext(ctx, `SELECT `+builtinChannelColumns+` FROM builtin_channels ORDER BY created_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []builtin.Channel
	for rows.Next() {
		ch, err := scanBuiltinChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

// SetChannelHeader replaces a channel's header.
func (b *BuiltinStore) SetChannelHeader(ctx context.Context, channelID, header string) error {
	_, err := b.s.q().ExecContext(ctx, `UPDATE builtin_channels SET header = ? WHERE id = ?`, header, channelID)
	return err
}

// DeleteChannel removes a channel; its messages and their files go with it
// (ON DELETE CASCADE).
func (b *BuiltinStore) DeleteChannel(ctx context.Context, channelID string) (bool, error) {
	res, err := b.s.q().ExecContext(ctx, `DELETE FROM builtin_channels WHERE id = ?`, channelID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func scanBuiltinChannel(row scanner) (builtin.Channel, error) {
	var ch builtin.Channel
	var members string
	var created int64
	if err := row.Scan(&ch.ID, &ch.IncidentKey, &ch.Name, &ch.DisplayName, &ch.Purpose, &ch.Header, &members, &created); err != nil {
		return builtin.Channel{}, err
	}
	if members != "" {
		ch.Members = strings.Split(members, ",")
	}
	ch.CreatedAt = fromNanos(created)
	return ch, nil
}

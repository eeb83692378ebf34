package builtin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Channel is a builtin channel as the web UI shows it.
type Channel struct {
	ID          string
	IncidentKey string
	Name        string
	DisplayName string
	Purpose     string
	Header      string
	Members     []string
	CreatedAt   time.Time
}

// OpenChannel creates the incident's channel, or returns the one it already
// has. A name taken by another incident gets the incident key appended.
func (b *Backend) OpenChannel(ctx context.Context, spec incident.ChannelSpec) (incident.ChannelRef, error) {
	if ch, err := b.channelWhere(ctx, `incident_key = ?`, spec.IncidentKey); err == nil {
		return b.ref(ch), nil
	} else if incident.ErrorKind(err) != incident.KindNotFound {
		return incident.ChannelRef{}, err
	}
	name := spec.Name
	if _, err := b.channelWhere(ctx, `name = ?`, name); err == nil {
		name = name + "-" + strings.ToLower(spec.IncidentKey)
	}
	ch := Channel{ID: newID(), IncidentKey: spec.IncidentKey, Name: name, DisplayName: spec.DisplayName,
		Purpose: spec.Purpose, Header: spec.Header, Members: spec.Invite, CreatedAt: b.clock.Now()}
	_, err := b.db.ExecContext(ctx, `INSERT INTO builtin_channels (id, incident_key, name, display_name, purpose, header, members, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, ch.ID, ch.IncidentKey, ch.Name, ch.DisplayName, ch.Purpose, ch.Header,
		strings.Join(ch.Members, ","), nanos(ch.CreatedAt))
	if err != nil {
		return incident.ChannelRef{}, fmt.Errorf("create builtin channel %q: %w", name, err)
	}
	return b.ref(ch), nil
}

func (b *Backend) ref(ch Channel) incident.ChannelRef {
	return incident.ChannelRef{Backend: Name, ID: ch.ID, Name: ch.Name, URL: b.publicURL + "/channels/" + ch.ID}
}

// Channel returns a live channel by ID.
func (b *Backend) Channel(ctx context.Context, id string) (Channel, error) {
	return b.channelWhere(ctx, `id = ?`, id)
}

// Channels lists the live channels, newest first.
func (b *Backend) Channels(ctx context.Context) ([]Channel, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT `+channelColumns+` FROM builtin_channels ORDER BY created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("list builtin channels: %w", err)
	}
	defer rows.Close()
	var out []Channel
	for rows.Next() {
		ch, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

// UpdateChannel sets the channel's header.
func (b *Backend) UpdateChannel(ctx context.Context, ref incident.ChannelRef, state incident.ChannelState) error {
	if _, err := b.db.ExecContext(ctx, `UPDATE builtin_channels SET header = ? WHERE id = ?`, state.Header, ref.ID); err != nil {
		return fmt.Errorf("update header of %s: %w", ref.Name, err)
	}
	return nil
}

// DeleteChannel deletes the channel and its messages for good.
func (b *Backend) DeleteChannel(ctx context.Context, ref incident.ChannelRef) (string, error) {
	res, err := b.db.ExecContext(ctx, `DELETE FROM builtin_channels WHERE id = ?`, ref.ID)
	if err != nil {
		return "", fmt.Errorf("delete builtin channel %s: %w", ref.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "already deleted", nil
	}
	return "deleted", nil
}

const channelColumns = `id, incident_key, name, display_name, purpose, header, members, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanChannel(row scanner) (Channel, error) {
	var ch Channel
	var members string
	var created int64
	if err := row.Scan(&ch.ID, &ch.IncidentKey, &ch.Name, &ch.DisplayName, &ch.Purpose, &ch.Header, &members, &created); err != nil {
		return Channel{}, err
	}
	if members != "" {
		ch.Members = strings.Split(members, ",")
	}
	ch.CreatedAt = fromNanos(created)
	return ch, nil
}

func (b *Backend) channelWhere(ctx context.Context, where string, args ...any) (Channel, error) {
	ch, err := scanChannel(b.db.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM builtin_channels WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, incident.Errorf(incident.KindNotFound, "no such channel: it may have been archived and deleted")
	}
	if err != nil {
		return Channel{}, fmt.Errorf("read builtin channel: %w", err)
	}
	return ch, nil
}

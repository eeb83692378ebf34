package builtin

import (
	"context"
	"fmt"
	"slices"
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
	if ch, err := b.lookup(ctx, ChannelLookup{IncidentKey: spec.IncidentKey}); err == nil {
		return b.ref(ch), nil
	} else if incident.ErrorKind(err) != incident.KindNotFound {
		return incident.ChannelRef{}, err
	}
	name := spec.Name
	if _, err := b.lookup(ctx, ChannelLookup{Name: name}); err == nil {
		name = name + "-" + strings.ToLower(spec.IncidentKey)
	}
	ch := Channel{ID: newID(), IncidentKey: spec.IncidentKey, Name: name, DisplayName: spec.DisplayName,
		Purpose: spec.Purpose, Header: spec.Header, Members: spec.Invite, CreatedAt: b.clock.Now()}
	if err := b.store.CreateChannel(ctx, ch); err != nil {
		return incident.ChannelRef{}, fmt.Errorf("create builtin channel %q: %w", name, err)
	}
	return b.ref(ch), nil
}

func (b *Backend) ref(ch Channel) incident.ChannelRef {
	return incident.ChannelRef{Backend: Name, ID: ch.ID, Name: ch.Name, URL: b.publicURL + "/channels/" + ch.ID}
}

// Channel returns a live channel by ID.
func (b *Backend) Channel(ctx context.Context, id string) (Channel, error) {
	return b.lookup(ctx, ChannelLookup{ID: id})
}

// Channels lists the live channels, newest first.
func (b *Backend) Channels(ctx context.Context) ([]Channel, error) {
	list, err := b.store.ListChannels(ctx)
	if err != nil {
		return nil, fmt.Errorf("list builtin channels: %w", err)
	}
	return list, nil
}

// UpdateChannel sets the channel's header.
func (b *Backend) UpdateChannel(ctx context.Context, ref incident.ChannelRef, state incident.ChannelState) error {
	if err := b.store.SetChannelHeader(ctx, ref.ID, state.Header); err != nil {
		return fmt.Errorf("update header of %s: %w", ref.Name, err)
	}
	return nil
}

// Invite adds people to the channel's members. Anyone who can sign in is
// a person of the builtin chat, so only a name that is no user name (the
// sign-in refuses it) is unknown.
func (b *Backend) Invite(ctx context.Context, ref incident.ChannelRef, usernames []string) (incident.Invited, error) {
	var out incident.Invited
	ch, err := b.lookup(ctx, ChannelLookup{ID: ref.ID})
	if err != nil {
		return out, fmt.Errorf("invite to %s: %w", ref.Name, err)
	}
	seen := map[string]bool{}
	for _, u := range usernames {
		if seen[u] {
			continue
		}
		seen[u] = true
		if _, err := incident.ParseUser(u); err != nil {
			out.Unknown = append(out.Unknown, u)
			continue
		}
		if slices.Contains(ch.Members, u) {
			out.Already = append(out.Already, u)
			continue
		}
		added, err := b.store.AddChannelMember(ctx, ch.ID, u)
		if err != nil {
			return out, fmt.Errorf("invite @%s to %s: %w", u, ref.Name, err)
		}
		if added {
			out.Added = append(out.Added, u)
		} else {
			out.Already = append(out.Already, u)
		}
	}
	return out, nil
}

// DeleteChannel deletes the channel and its messages for good.
func (b *Backend) DeleteChannel(ctx context.Context, ref incident.ChannelRef) (string, error) {
	existed, err := b.store.DeleteChannel(ctx, ref.ID)
	if err != nil {
		return "", fmt.Errorf("delete builtin channel %s: %w", ref.Name, err)
	}
	if !existed {
		return "already deleted", nil
	}
	return "deleted", nil
}

// lookup finds a channel, or says it is gone with a KindNotFound error.
func (b *Backend) lookup(ctx context.Context, l ChannelLookup) (Channel, error) {
	ch, found, err := b.store.LookupChannel(ctx, l)
	if err != nil {
		return Channel{}, fmt.Errorf("read builtin channel: %w", err)
	}
	if !found {
		return Channel{}, incident.Errorf(incident.KindNotFound, "no such channel: it may have been archived and deleted")
	}
	return ch, nil
}

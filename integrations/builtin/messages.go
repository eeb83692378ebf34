package builtin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// Message is a builtin chat message as the web UI shows it.
type Message struct {
	Seq      int64
	ID       string
	ThreadID string
	Author   string
	Text     string
	Card     *incident.Card
	System   bool
	Pinned   bool
	At       time.Time
	EditedAt *time.Time
	Files    []FileInfo
}

// BotName is the author of the messages warroom itself posts.
const BotName = "warroom"

// maxMessageBytes bounds one message, as real chat servers do.
const maxMessageBytes = 16 << 10

// Post writes warroom's own message, or edits one (its text, and its card
// when the edit has one: the welcome card follows the incident); a repeat
// of the same key posts nothing.
func (b *Backend) Post(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	if p.EditID != "" {
		if err := b.store.EditMessage(ctx, ch.ID, p.EditID, p.Text, p.Card, b.clock.Now()); err != nil {
			return "", fmt.Errorf("edit message %s: %w", p.EditID, err)
		}
		return p.EditID, nil
	}
	id, err := b.insert(ctx, ch.ID, Message{ID: newID(), Author: BotName, Text: p.Text, Card: p.Card, Pinned: p.Pin}, p.Key)
	if err != nil || len(p.Files) == 0 {
		return id, err
	}
	if have, err := b.filesOf(ctx, id); err != nil || len(have) > 0 {
		return id, err // a retry: the files are there
	}
	return id, b.attach(ctx, id, p.Files)
}

// Say writes a person's message, with files if any, into a channel.
// threadID, when set, makes it a reply to that message.
func (b *Backend) Say(ctx context.Context, channelID, author, text, threadID string, files ...incident.File) (Message, error) {
	text = strings.TrimRight(text, " \t\r\n")
	switch {
	case strings.TrimSpace(author) == "":
		return Message{}, incident.Errorf(incident.KindInvalid, "say who you are: the author is empty")
	case strings.TrimSpace(text) == "" && len(files) == 0:
		return Message{}, incident.Errorf(incident.KindInvalid, "the message is empty")
	case len(text) > maxMessageBytes:
		return Message{}, incident.Errorf(incident.KindInvalid, "the message is %d bytes long; the limit is %d", len(text), maxMessageBytes)
	}
	if _, err := b.Channel(ctx, channelID); err != nil {
		return Message{}, err
	}
	if threadID != "" {
		root, err := b.Message(ctx, channelID, threadID)
		if err != nil {
			return Message{}, incident.Errorf(incident.KindInvalid, "cannot reply: %w", err)
		}
		if root.ThreadID != "" {
			threadID = root.ThreadID // replies to replies join the root's thread
		}
	}
	m := Message{ID: newID(), ThreadID: threadID, Author: author, Text: text}
	if _, err := b.insert(ctx, channelID, m, ""); err != nil {
		return Message{}, err
	}
	if err := b.attach(ctx, m.ID, files); err != nil {
		return Message{}, err
	}
	return b.Message(ctx, channelID, m.ID)
}

// insert stores a message written now; with a key, a repeat returns the ID
// of the message first stored under it.
func (b *Backend) insert(ctx context.Context, channelID string, m Message, key string) (string, error) {
	m.At = b.clock.Now()
	id, err := b.store.AddMessage(ctx, channelID, m, key)
	if errors.Is(err, ErrNoChannel) {
		return "", incident.Errorf(incident.KindPermanent, "builtin channel %s does not exist", channelID)
	}
	if err != nil {
		return "", fmt.Errorf("write message: %w", err)
	}
	return id, nil
}

// Message returns one message of a channel.
func (b *Backend) Message(ctx context.Context, channelID, id string) (Message, error) {
	m, found, err := b.store.Message(ctx, channelID, id)
	if err != nil {
		return Message{}, err
	}
	if !found {
		return Message{}, incident.Errorf(incident.KindNotFound, "message %s is not in this channel", id)
	}
	m.Files, err = b.filesOf(ctx, m.ID)
	return m, err
}

// Messages returns up to limit messages after seq, oldest first.
func (b *Backend) Messages(ctx context.Context, channelID string, afterSeq int64, limit int) ([]Message, error) {
	out, err := b.store.Messages(ctx, channelID, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	for i := range out {
		if out[i].Files, err = b.filesOf(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// historyPage is how many messages History reads at a time.
const historyPage = 200

// History calls fn for every message of the channel, oldest first, a page
// at a time so that memory stays bounded. It walks by seq, which the store
// hands out in commit order: a message that arrives meanwhile comes after
// the cursor and is read, none is skipped or read twice.
func (b *Backend) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) (archive.Tally, error) {
	var t archive.Tally
	var after int64
	for {
		page, err := b.Messages(ctx, ch.ID, after, historyPage)
		if err != nil {
			return t, err
		}
		for _, m := range page {
			am := archive.Message{ID: m.ID, ThreadID: m.ThreadID, Author: m.Author, Text: m.Text, At: m.At,
				EditedAt: m.EditedAt, System: m.System, Bot: m.Author == BotName}
			if len(m.Files) > 0 {
				if am.Files, err = b.archiveFiles(ctx, m.ID); err != nil {
					return t, err
				}
			}
			if err := fn(am); err != nil {
				return t, err
			}
			after = m.Seq
			t.Messages++
			t.Counted++
			t.LastID, t.LastAt = m.ID, m.At
		}
		if len(page) < historyPage {
			return t, nil
		}
	}
}

// Count reads how many messages the channel holds and how many came after
// the walk's last one. A deleted channel is a KindNotFound error.
func (b *Backend) Count(ctx context.Context, ch incident.ChannelRef, t archive.Tally) (archive.Count, error) {
	c := archive.Count{Accounted: t.Counted, Basis: "builtin messages in the channel"}
	if _, err := b.Channel(ctx, ch.ID); err != nil {
		return c, err // KindNotFound once the channel is deleted
	}
	var err error
	if c.Server, c.Newer, err = b.store.CountMessages(ctx, ch.ID, t.LastID); err != nil {
		return c, fmt.Errorf("count the messages of %s and look for ones newer than the walk: %w", ch.Name, err)
	}
	return c, nil
}

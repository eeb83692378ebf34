package rocketchat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/backspool"
)

// historyPage is Rocket.Chat's upper count limit.
const historyPage = 100

// isoMillis is how Rocket.Chat's times are sent back as latest/oldest.
const isoMillis = "2006-01-02T15:04:05.000Z07:00"

// History calls fn for every message of the room, oldest first, thread
// replies included, each exactly once. It does not page by offset, which
// shifts as messages arrive or go: it walks channels.history back by time
// (latest = the oldest time of the page, inclusive, so a millisecond shared
// across the page boundary is read again and the messages already read are
// dropped by ID), spooling the messages to a temporary file, and hands them
// out oldest first. Messages that arrived during the walk are read last,
// from the walk's newest time on. A page of one millisecond pages on by
// offset under the same cursor.
func (b *Backend) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) (archive.Tally, error) {
	var t archive.Tally
	sp, err := backspool.New("")
	if err != nil {
		return t, err
	}
	defer sp.Close()
	top, topSeen, err := b.walkBack(ctx, ch, sp)
	if err != nil {
		return t, err
	}
	emit := func(m message) error {
		am, err := b.convert(ctx, m)
		if err != nil {
			return err
		}
		if err := fn(am); err != nil {
			return err
		}
		t.Messages++
		if m.T == "" {
			t.Counted++ // the room's msgs leaves system messages out
		}
		t.LastID, t.LastAt = m.ID, m.TS.Time
		return nil
	}
	err = sp.Reverse(func(rec []byte) error {
		var m message
		if err := json.Unmarshal(rec, &m); err != nil {
			return fmt.Errorf("read the history's temporary file: %w", err)
		}
		return emit(m)
	})
	if err != nil || top.IsZero() {
		return t, err
	}
	// Messages from the walk's newest time on: those that came meanwhile.
	// A full page is left to the completeness check, which retries.
	later, err := b.historyPage(ctx, ch, url.Values{"oldest": {top.Format(isoMillis)}, "inclusive": {"true"}})
	if err != nil {
		return t, err
	}
	for i := len(later) - 1; i >= 0; i-- {
		if !topSeen[later[i].ID] {
			if err := emit(later[i]); err != nil {
				return t, err
			}
		}
	}
	return t, nil
}

// historyPage reads one page of channels.history, newest first.
func (b *Backend) historyPage(ctx context.Context, ch incident.ChannelRef, q url.Values) ([]message, error) {
	q.Set("roomId", ch.ID)
	q.Set("count", strconv.Itoa(historyPage))
	q.Set("showThreadMessages", "true")
	var page struct {
		Messages []message `json:"messages"`
	}
	if err := b.call(ctx, "read the history of "+ch.Name, http.MethodGet, "/api/v1/"+b.kind()+".history", q, nil, &page); err != nil {
		return nil, err
	}
	return page.Messages, nil
}

// walkBack spools the room's messages newest first. It returns the newest
// time and the IDs read at it.
func (b *Backend) walkBack(ctx context.Context, ch incident.ChannelRef, sp *backspool.Spool) (time.Time, map[string]bool, error) {
	var top time.Time
	topSeen := map[string]bool{}
	seen := map[string]bool{}
	var latest time.Time
	offset := 0
	for {
		q := url.Values{"offset": {strconv.Itoa(offset)}}
		if !latest.IsZero() {
			q.Set("latest", latest.Format(isoMillis))
			q.Set("inclusive", "true")
		}
		page, err := b.historyPage(ctx, ch, q)
		if err != nil {
			return top, nil, err
		}
		for _, m := range page {
			if seen[m.ID] {
				continue
			}
			raw, err := json.Marshal(m)
			if err != nil {
				return top, nil, fmt.Errorf("spool message %s: %w", m.ID, err)
			}
			if err := sp.Add(raw); err != nil {
				return top, nil, err
			}
			if top.IsZero() || m.TS.After(top) {
				top = m.TS.Time
			}
		}
		for _, m := range page {
			if m.TS.Equal(top) {
				topSeen[m.ID] = true
			}
		}
		if len(page) < historyPage {
			return top, topSeen, nil
		}
		oldest := page[len(page)-1].TS.Time
		if !latest.IsZero() && oldest.Equal(latest) {
			offset += len(page) // one millisecond fills the page
		} else {
			latest, offset = oldest, 0
			clear(seen)
		}
		for _, m := range page {
			if m.TS.Equal(oldest) {
				seen[m.ID] = true
			}
		}
	}
}

// convert turns a Rocket.Chat message into a transcript message.
func (b *Backend) convert(ctx context.Context, m message) (archive.Message, error) {
	am := archive.Message{ID: m.ID, ThreadID: m.Tmid, Author: m.U.Username, Text: m.Msg, At: m.TS.Time,
		System: m.T != "", Bot: m.U.ID == b.cfg.UserID, NoReplies: m.Tmid == "" && m.Tcount == 0}
	if m.EditedAt != nil {
		t := m.EditedAt.Time
		am.EditedAt = &t
	}
	for _, a := range m.Attachments {
		for _, s := range []string{a.Title, a.Text} {
			if s != "" {
				am.Text += "\n> " + strings.ReplaceAll(s, "\n", "\n> ")
			}
		}
	}
	for emoji, r := range m.Reactions {
		am.Reactions = append(am.Reactions, archive.Reaction{Emoji: strings.Trim(emoji, ":"), Users: r.Usernames})
	}
	files := m.Files
	if len(files) == 0 && m.File != nil {
		files = []fileRef{*m.File}
	}
	for _, f := range files {
		af := archive.File{Name: f.Name, Size: f.Size, Type: f.Type}
		switch {
		case f.Size > b.cfg.MaxFileBytes:
			af.NotCopied = fmt.Sprintf("larger than chat.rocketchat.max_file_bytes (%d)", b.cfg.MaxFileBytes)
		default:
			data, err := b.download(ctx, f)
			if err != nil {
				return archive.Message{}, err
			}
			af.Data = data
		}
		am.Files = append(am.Files, af)
	}
	return am, nil
}

// download fetches a file's bytes from its /file-upload URL.
func (b *Backend) download(ctx context.Context, f fileRef) ([]byte, error) {
	u := f.URL
	if u == "" {
		u = "/file-upload/" + f.ID + "/" + url.PathEscape(f.Name)
	}
	if strings.HasPrefix(u, "/") {
		u = b.cfg.URL + u
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("file URL %q: %w", u, err)
	}
	req.Header.Set("X-User-Id", b.cfg.UserID)
	req.Header.Set("X-Auth-Token", b.cfg.Token)
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, system.Failure("download "+f.Name, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, b.cfg.MaxFileBytes+1))
	if err != nil {
		return nil, incident.Errorf(incident.KindTransient, "download %s: %w", f.Name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, classify("download "+f.Name, resp, data)
	}
	return data, nil
}

package rocketchat

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// historyPage is Rocket.Chat's upper count limit.
const historyPage = 100

// History calls fn for every message of the room, oldest first, thread
// replies included, a page of 100 at a time (channels.messages sorted by
// time ascending; never count=0, which means "everything").
func (b *Backend) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) error {
	for offset := 0; ; {
		var page struct {
			Messages []message `json:"messages"`
			Total    int       `json:"total"`
		}
		q := url.Values{"roomId": {ch.ID}, "count": {strconv.Itoa(historyPage)}, "offset": {strconv.Itoa(offset)}, "sort": {`{"ts":1}`}}
		if err := b.call(ctx, "read the history of "+ch.Name, http.MethodGet, "/api/v1/"+b.kind()+".messages", q, nil, &page); err != nil {
			return err
		}
		for _, m := range page.Messages {
			am, err := b.convert(ctx, m)
			if err != nil {
				return err
			}
			if err := fn(am); err != nil {
				return err
			}
		}
		offset += len(page.Messages)
		if len(page.Messages) < historyPage || offset >= page.Total {
			return nil
		}
	}
}

// convert turns a Rocket.Chat message into a transcript message.
func (b *Backend) convert(ctx context.Context, m message) (archive.Message, error) {
	am := archive.Message{ID: m.ID, ThreadID: m.Tmid, Author: m.U.Username, Text: m.Msg, At: m.TS.Time,
		System: m.T != "", Bot: m.U.ID == b.cfg.UserID}
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
		return nil, incident.Errorf(incident.KindTransient, "download %s: %w", f.Name, err)
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

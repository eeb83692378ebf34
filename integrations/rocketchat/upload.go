package rocketchat

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/warroom/warroom/incident"
)

// upload posts a file with a caption. Newer servers take it in two steps
// (rooms.media, then rooms.mediaConfirm); older ones in one (rooms.upload,
// removed in 8.0). The server's version decides which to try first, and a
// 404 from rooms.media switches to rooms.upload for good.
func (b *Backend) upload(ctx context.Context, ch incident.ChannelRef, f incident.File, caption, tmid string) (string, error) {
	if b.hasMedia(ctx) {
		id, err := b.uploadMedia(ctx, ch, f, caption, tmid)
		if status(err) != http.StatusNotFound {
			return id, err
		}
		no := false
		b.mu.Lock()
		b.media = &no
		b.mu.Unlock()
		b.log.Info("Rocket.Chat has no rooms.media; using rooms.upload", "version", b.version)
	}
	return b.uploadLegacy(ctx, ch, f, caption, tmid)
}

// hasMedia reports whether rooms.media is worth trying: unknown servers and
// servers from 6 on, yes; older ones, no.
func (b *Backend) hasMedia(ctx context.Context) bool {
	b.mu.Lock()
	known := b.media
	b.mu.Unlock()
	if known != nil {
		return *known
	}
	var info struct {
		Version string `json:"version"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := b.call(ctx, "read the server version", http.MethodGet, "/api/info", nil, nil, &info); err != nil {
		return true
	}
	v := info.Version
	if v == "" {
		v = info.Info.Version
	}
	major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	has := major == 0 || major >= 6
	b.mu.Lock()
	b.version, b.media = v, &has
	b.mu.Unlock()
	return has
}

func (b *Backend) uploadMedia(ctx context.Context, ch incident.ChannelRef, f incident.File, caption, tmid string) (string, error) {
	var up struct {
		File struct {
			ID string `json:"_id"`
		} `json:"file"`
	}
	if err := b.multipart(ctx, "upload "+f.Name, "/api/v1/rooms.media/"+ch.ID, f, nil, &up); err != nil {
		return "", err
	}
	var out struct {
		Message message `json:"message"`
	}
	body := map[string]any{"msg": caption, "fileName": f.Name}
	if tmid != "" {
		body["tmid"] = tmid
	}
	if err := b.call(ctx, "confirm the upload of "+f.Name, http.MethodPost, "/api/v1/rooms.mediaConfirm/"+ch.ID+"/"+up.File.ID, nil, body, &out); err != nil {
		return "", err
	}
	return out.Message.ID, nil
}

func (b *Backend) uploadLegacy(ctx context.Context, ch incident.ChannelRef, f incident.File, caption, tmid string) (string, error) {
	fields := map[string]string{"msg": caption}
	if tmid != "" {
		fields["tmid"] = tmid
	}
	var out struct {
		Message message `json:"message"`
	}
	if err := b.multipart(ctx, "upload "+f.Name, "/api/v1/rooms.upload/"+ch.ID, f, fields, &out); err != nil {
		return "", err
	}
	return out.Message.ID, nil
}

// multipart sends the file as the part named "file" (the only name
// Rocket.Chat takes), with text fields.
func (b *Backend) multipart(ctx context.Context, op, path string, f incident.File, fields map[string]string, out any) error {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			return err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+strings.ReplaceAll(f.Name, `"`, "")+`"`)
	ctype := f.Type
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	part, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := part.Write(f.Data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.URL+path, &buf)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(op, req, out)
}

package rctest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// upload is a parsed multipart upload: the one part named "file" and the
// text fields.
type upload struct {
	name, typ string
	data      []byte
	fields    map[string]string
}

// readUpload parses the multipart body. Errors: a file part under another
// name is 400 invalid-field; a second file 400 "Just 1 file is allowed";
// over MaxFileSize 400 error-file-too-large; no file 400 error-no-file.
func (s *Server) readUpload(r *http.Request) (*upload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, failure("Unsupported content type: " + r.Header.Get("Content-Type"))
	}
	up := &upload{fields: map[string]string{}}
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, failure("Unexpected end of form")
		}
		if part.FileName() == "" {
			b, _ := io.ReadAll(io.LimitReader(part, 1<<20))
			up.fields[part.FormName()] = string(b)
			continue
		}
		if part.FormName() != "file" {
			return nil, meteorError("invalid-field", "", nil)
		}
		if seen {
			return nil, failure("Just 1 file is allowed")
		}
		seen = true
		data, err := io.ReadAll(io.LimitReader(part, s.opts.MaxFileSize+1))
		if err != nil {
			return nil, failure("Unexpected end of form")
		}
		if int64(len(data)) > s.opts.MaxFileSize {
			return nil, meteorError("error-file-too-large", "File size exceeds the allowed limit", nil)
		}
		up.name, up.data = part.FileName(), data
		up.typ = part.Header.Get("Content-Type")
		if up.typ == "" || up.typ == "application/octet-stream" {
			up.typ = contentType(up.name, data)
		}
	}
	if !seen {
		return nil, meteorError("error-no-file", "No file uploaded", nil)
	}
	return up, nil
}

// uploadRoom is the room of an upload URL: 403 unless the caller can see
// it. Called with s.mu held.
func (s *Server) uploadRoom(c *call) (*room, error) {
	r := s.roomByID(c.r.PathValue("rid"))
	if r == nil || !s.canAccess(c.user, r) {
		return nil, s.forbidden()
	}
	return r, nil
}

// roomsUpload is the one-step POST rooms.upload/:rid (gone from 8.0.0):
// part "file" plus fields msg, description, tmid; it stores the file and
// posts the file message, answering {"message": …}.
func (s *Server) roomsUpload(c *call) (map[string]any, error) {
	r, err := s.uploadRoom(c)
	if err != nil {
		return nil, err
	}
	up, err := s.readUpload(c.r)
	if err != nil {
		return nil, err
	}
	if len([]rune(up.fields["description"])) > s.opts.MaxMessageSize {
		return nil, meteorError("error-message-size-exceeded", "", nil)
	}
	f := s.storeFile(c.user, r, up.name, up.typ, up.data)
	f.description = up.fields["description"]
	m, err := s.sendFile(&c.fx, c.user, r, f, up.fields["msg"], up.fields["tmid"])
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": messageJSON(m)}, nil
}

// roomsMedia is step one of the current flow, POST rooms.media/:rid: it
// stores the file, unconfirmed, and answers {"file": {"_id", "url"}}. Like
// Rocket.Chat it ignores a msg field: the caption goes to mediaConfirm.
func (s *Server) roomsMedia(c *call) (map[string]any, error) {
	r, err := s.uploadRoom(c)
	if err != nil {
		return nil, err
	}
	up, err := s.readUpload(c.r)
	if err != nil {
		return nil, err
	}
	f := s.storeFile(c.user, r, up.name, up.typ, up.data)
	return map[string]any{"file": map[string]any{"_id": f.id, "url": fileURL(f)}}, nil
}

// roomsMediaConfirm is step two, POST rooms.mediaConfirm/:rid/:fileId with
// JSON {msg, description, tmid, fileName}: it posts the file message and
// answers {"message": …}. Only the uploader's file in that room is found,
// else 400 invalid-file. Confirming again posts the file again.
func (s *Server) roomsMediaConfirm(c *call) (map[string]any, error) {
	r, err := s.uploadRoom(c)
	if err != nil {
		return nil, err
	}
	f := s.files[c.r.PathValue("fileId")]
	if f == nil || f.uploader != c.user || f.rid != r.id {
		return nil, meteorError("invalid-file", "", nil)
	}
	get := func(k string) string { v, _ := c.str(k); return v }
	if len([]rune(get("description"))) > s.opts.MaxMessageSize {
		return nil, meteorError("error-message-size-exceeded", "", nil)
	}
	if c.has("description") {
		f.description = get("description")
	}
	if name := get("fileName"); name != "" {
		f.name = name
	}
	m, err := s.sendFile(&c.fx, c.user, r, f, get("msg"), get("tmid"))
	if err != nil {
		return nil, err
	}
	f.confirmed = true
	return map[string]any{"message": messageJSON(m)}, nil
}

// storeFile keeps an upload. Called with s.mu held.
func (s *Server) storeFile(u *user, r *room, name, typ string, data []byte) *file {
	f := &file{id: s.newID(), rid: r.id, name: name, typ: typ, uploader: u, data: data}
	s.files[f.id] = f
	return f
}

// sendFile posts the message that carries f, as sendFileMessage builds
// it. Called with s.mu held.
func (s *Server) sendFile(fx *fx, u *user, r *room, f *file, caption, tmid string) (*message, error) {
	a := map[string]any{
		"title":               f.name,
		"title_link":          fileURL(f),
		"title_link_download": true,
		"type":                "file",
		"format":              formatOf(f.name),
		"size":                len(f.data),
	}
	if f.description != "" {
		a["description"] = f.description
	}
	if strings.HasPrefix(f.typ, "image/") {
		a["image_url"], a["image_type"], a["image_size"] = fileURL(f), f.typ, len(f.data)
	}
	raw, _ := json.Marshal(a)
	return s.send(fx, u, r, draft{text: caption, tmid: tmid, files: []*file{f}, attachments: []json.RawMessage{raw}})
}

// fileURL is the site-relative download path of f.
func fileURL(f *file) string { return "/file-upload/" + f.id + "/" + url.PathEscape(f.name) }

func formatOf(name string) string {
	return strings.ToUpper(strings.TrimPrefix(path.Ext(name), "."))
}

// contentType guesses a MIME type, without parameters, from the name's
// extension or else the bytes.
func contentType(name string, data []byte) string {
	t := mime.TypeByExtension(path.Ext(name))
	if t == "" {
		t = http.DetectContentType(data)
	}
	return strings.TrimSpace(strings.SplitN(t, ";", 2)[0])
}

// download is GET /file-upload/:id/:name with FileUpload_ProtectFiles on:
// the login comes from X-User-Id/X-Auth-Token, the rc_uid/rc_token cookies
// or query parameters; without one, or without access to the room, 403
// with an empty body. Unknown file: 404.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[r.PathValue("id")]
	if f == nil || s.roomByID(f.rid) == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	creds := r.Clone(r.Context())
	for _, k := range []string{"uid", "token"} {
		if v := r.URL.Query().Get("rc_" + k); v != "" {
			creds.Header.Set(map[string]string{"uid": "X-User-Id", "token": "X-Auth-Token"}[k], v)
		} else if ck, err := r.Cookie("rc_" + k); err == nil {
			creds.Header.Set(map[string]string{"uid": "X-User-Id", "token": "X-Auth-Token"}[k], ck.Value)
		}
	}
	u, err := s.authenticate(creds)
	if err != nil || !s.canAccess(u, s.roomByID(f.rid)) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if info, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		info.userID = u.id
	}
	disposition := "inline"
	if r.URL.Query().Has("download") {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", f.typ)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+url.PathEscape(f.name)+`"`)
	w.Header().Set("Content-Length", itoa(int64(len(f.data))))
	_, _ = w.Write(f.data)
}

package jiratest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strings"
)

// addAttachments is POST /rest/api/2/issue/{key}/attachments. It wants the
// X-Atlassian-Token header (any non-empty value: go-jira sends "nocheck",
// Atlassian documents "no-check"), else 403 "XSRF check failed" in plain
// text; a multipart body whose parts named "file" are the attachments
// (repeat the part for several; other parts are ignored), else 415 or 400.
// Any file over MaxAttachmentBytes: 413 and nothing is attached. 404 for an
// unknown issue. Success is 200 (not 201) with a JSON array.
func (s *Server) addAttachments(w http.ResponseWriter, r *http.Request, user string) {
	// The answer waits until the whole body is read, so that a client still
	// sending a big file sees the 413 rather than a reset connection.
	rec := httptest.NewRecorder()
	s.attach(rec, r, user)
	_, _ = io.Copy(io.Discard, r.Body)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (s *Server) attach(w http.ResponseWriter, r *http.Request, user string) {
	if r.Header.Get("X-Atlassian-Token") == "" {
		writeText(w, http.StatusForbidden, "text/plain;charset=UTF-8", msgXSRF)
		return
	}
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeMessage(w, http.StatusUnsupportedMediaType, "The request must be multipart/form-data: "+err.Error())
		return
	}
	limit := s.opts.MaxAttachmentBytes
	var files []*attachment
	var tooLarge []string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeMessage(w, http.StatusBadRequest, "Malformed multipart body: "+err.Error())
			return
		}
		if part.FormName() != "file" {
			continue // NextPart discards what is left of it
		}
		name := part.FileName()
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			writeMessage(w, http.StatusBadRequest, "Malformed multipart body: "+err.Error())
			return
		}
		if int64(len(data)) > limit {
			tooLarge = append(tooLarge, name)
			continue
		}
		if name == "" {
			writeMessage(w, http.StatusBadRequest, "An attachment needs a file name.")
			return
		}
		files = append(files, &attachment{
			issue: is, filename: name, author: user, data: data,
			mimeType: detectType(name, part.Header.Get("Content-Type"), data),
		})
	}
	if len(tooLarge) > 0 {
		writeMessage(w, http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"The file %q is too large to attach: the limit is %d bytes.", tooLarge[0], limit))
		return
	}
	if len(files) == 0 {
		writeMessage(w, http.StatusBadRequest, `No attachment: the request has no multipart part named "file".`)
		return
	}
	if !s.allowWrite(w, is) {
		return
	}
	out := make([]any, 0, len(files))
	for _, a := range files {
		s.insertAttachment(is, a)
		out = append(out, s.attachmentJSON(a))
	}
	writeJSON(w, http.StatusOK, out)
}

// insertAttachment stores a and records the jira:issue_updated event with
// its "Attachment" changelog item. Called with s.mu held.
func (s *Server) insertAttachment(is *issue, a *attachment) {
	a.id = s.next("attachment", 10200)
	a.created = s.now()
	is.attachments = append(is.attachments, a)
	is.updated = a.created
	s.attachments[a.id] = a
	h := s.addHistory(is, a.author, []changeItem{{
		field: "Attachment", fieldType: "jira", to: strp(a.id), toString: strp(a.filename),
	}})
	s.emitIssueEvent("jira:issue_updated", "issue_updated", a.author, is, h, nil)
}

// knownTypes keeps MIME detection the same on every machine, unlike
// mime.TypeByExtension, which reads the system's tables.
var knownTypes = map[string]string{
	".md": "text/markdown", ".txt": "text/plain", ".log": "text/plain", ".csv": "text/csv",
	".json": "application/json", ".html": "text/html", ".htm": "text/html", ".xml": "application/xml",
	".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".svg": "image/svg+xml", ".zip": "application/zip", ".gz": "application/gzip",
}

// detectType is the attachment's mimeType: from the file name, else the
// part's own Content-Type unless it is the generic one, else the content.
func detectType(name, partType string, data []byte) string {
	if t, ok := knownTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	if mt, _, err := mime.ParseMediaType(partType); err == nil && mt != "application/octet-stream" {
		return mt
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return mt
}

// getAttachment is GET /rest/api/2/attachment/{id}: the metadata; 404.
func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request, _ string) {
	a, ok := s.attachments[r.PathValue("id")]
	if !ok {
		writeMessage(w, http.StatusNotFound, fmt.Sprintf("The attachment with id '%s' does not exist", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.attachmentJSON(a))
}

// deleteAttachment is DELETE /rest/api/2/attachment/{id}: 204; 404.
func (s *Server) deleteAttachment(w http.ResponseWriter, r *http.Request, _ string) {
	a, ok := s.attachments[r.PathValue("id")]
	if !ok {
		writeMessage(w, http.StatusNotFound, fmt.Sprintf("The attachment with id '%s' does not exist", r.PathValue("id")))
		return
	}
	delete(s.attachments, a.id)
	a.issue.attachments = slices.DeleteFunc(a.issue.attachments, func(b *attachment) bool { return b == a })
	w.WriteHeader(http.StatusNoContent)
}

// downloadAttachment is GET /secure/attachment/{id}/{filename}, the content
// URL. go-jira's DownloadAttachment leaves the file name out
// ("/secure/attachment/{id}/"); Jira finds the file by id either way.
// An unknown id is a 404 page, not JSON: this is not a REST resource.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, _ string) {
	a, ok := s.attachments[r.PathValue("id")]
	if !ok {
		writeText(w, http.StatusNotFound, "text/html;charset=UTF-8", "<html><body><h1>404</h1><p>Attachment not found.</p></body></html>\n")
		return
	}
	w.Header().Set("Content-Type", a.mimeType)
	w.Header().Set("Content-Length", fmt.Sprint(len(a.data)))
	w.Header().Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(a.filename))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, bytes.NewReader(a.data))
}

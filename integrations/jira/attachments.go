package jira

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// StoreDocument attaches a document to the issue. Documents over Jira's
// attachment limit are refused before sending, and a 413 is turned into
// the same answer: the archive keeps them in warroom and links to them.
func (b *Backend) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	if d.Size > b.cfg.MaxAttachmentBytes {
		return &archive.TooLargeError{Name: d.Name, Size: d.Size, Limit: b.cfg.MaxAttachmentBytes}
	}
	content, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer content.Close()
	resp, err := b.postAttachment(ctx, t.Key, attachmentName(d.Name), content, d.Size)
	if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusRequestEntityTooLarge {
		return &archive.TooLargeError{Name: d.Name, Size: d.Size, Limit: b.cfg.MaxAttachmentBytes, Refused: true}
	}
	return classify("attach "+d.Name+" to "+t.Key, resp, err)
}

// postAttachment sends one file as multipart/form-data straight from the
// stream, with its exact length (go-jira's PostAttachment would copy the
// whole file into memory first).
func (b *Backend) postAttachment(ctx context.Context, issue, name string, content io.Reader, size int64) (*jira.Response, error) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if _, err := mw.CreateFormFile("file", name); err != nil {
		return nil, fmt.Errorf("attachment %s: %w", name, err)
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	req, err := b.client.NewMultiPartRequestWithContext(ctx, http.MethodPost, "rest/api/2/issue/"+issue+"/attachments", new(bytes.Buffer))
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", name, err)
	}
	req.Body = io.NopCloser(io.MultiReader(&head, io.LimitReader(content, size), strings.NewReader(tail)))
	req.ContentLength = int64(head.Len()) + size + int64(len(tail))
	req.GetBody = nil
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.client.Do(req, nil)
}

// HasDocument downloads the issue's attachments of that name and reports
// whether one has the document's SHA-256.
func (b *Backend) HasDocument(ctx context.Context, t incident.TicketRef, d archive.Document) (bool, error) {
	issue, resp, err := b.client.Issue.GetWithContext(ctx, t.Key, &jira.GetQueryOptions{Fields: "attachment"})
	if err != nil {
		return false, classify("read the attachments of "+t.Key, resp, err)
	}
	if issue.Fields == nil {
		return false, nil
	}
	name := attachmentName(d.Name)
	for _, a := range issue.Fields.Attachments {
		if a == nil || a.Filename != name || int64(a.Size) != d.Size {
			continue
		}
		sum, err := b.download(ctx, a.Content)
		if err != nil {
			return false, err
		}
		if sum == d.SHA256 {
			return true, nil
		}
	}
	return false, nil
}

// download fetches an attachment's content and hashes it as it streams.
func (b *Backend) download(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("attachment URL %q: %w", url, err)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return "", system.Failure("download "+url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", classify("download "+url, &jira.Response{Response: resp}, fmt.Errorf("status %d", resp.StatusCode))
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(resp.Body, b.cfg.MaxAttachmentBytes+1)); err != nil {
		return "", incident.Errorf(incident.KindTransient, "download %s: %w", url, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// attachmentName flattens the archive's names (INC-4-files/ab12-x.png) for
// Jira, which keeps only the last path element.
func attachmentName(name string) string {
	return string(bytes.ReplaceAll([]byte(name), []byte("/"), []byte("--")))
}

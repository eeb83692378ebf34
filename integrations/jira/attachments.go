package jira

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"

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
	_, resp, err := b.client.Issue.PostAttachmentWithContext(ctx, t.Key, content, attachmentName(d.Name))
	if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusRequestEntityTooLarge {
		return &archive.TooLargeError{Name: d.Name, Size: d.Size, Limit: b.cfg.MaxAttachmentBytes}
	}
	return classify("attach "+d.Name+" to "+t.Key, resp, err)
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
		return "", incident.Errorf(incident.KindTransient, "download %s: %w", url, err)
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

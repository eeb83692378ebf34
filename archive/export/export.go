// Package export writes the whole record of one incident, for people who
// keep postmortems elsewhere: one self-contained HTML page (inline CSS, no
// script, images and small files embedded as data: URIs, every text
// escaped) or a zip of one Markdown file with the files beside it under
// files/, linked relatively.
//
// An export is a list of sections (Standard: facts, timeline, transcript,
// files), each writing itself in both forms. Everything is streamed: the
// transcript is decoded one message at a time from the stored JSON
// document and each file is copied from its stored stream, so memory does
// not grow with the record.
package export

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// Record is what an export is made of, read from warroom's store.
type Record struct {
	Incident *incident.Incident
	Events   []incident.Event // the timeline, in the order things happened
	// Docs are the incident's stored documents (transcript and copied
	// files), each opening as a stream; empty before the incident closes.
	Docs []archive.Stored
	At   time.Time // when the export is made
}

// Options bound what the HTML page embeds. The zip holds every file
// whatever its size.
type Options struct {
	// MaxEmbedBytes is the largest file embedded in the HTML page as a
	// data: URI; a larger one is listed with its size and SHA-256. 0 means
	// DefaultMaxEmbedBytes.
	MaxEmbedBytes int64
	// MaxEmbedTotal bounds the bytes of all files embedded in one page;
	// files past it are listed. 0 means DefaultMaxEmbedTotal.
	MaxEmbedTotal int64
}

// The default embedding limits: a page of more than a few tens of
// megabytes is slow to open, and base64 adds a third.
const (
	DefaultMaxEmbedBytes = 8 << 20
	DefaultMaxEmbedTotal = 32 << 20
)

// Section is one part of an export, written both as HTML and as Markdown.
// A section writes only its body: the page puts the heading and the anchor
// around it. Write errors are collected by the page's writer; a section
// returns the errors of what it reads.
type Section interface {
	// ID is the section's anchor (HTML id, Markdown link target).
	ID() string
	// Title is the section's heading.
	Title() string
	// HTML writes the section's body as escaped HTML.
	HTML(ctx context.Context, w io.Writer, x *Export) error
	// Markdown writes the section's body as Markdown whose text is escaped
	// (Text), linking files by x.FilePath.
	Markdown(ctx context.Context, w io.Writer, x *Export) error
}

// Standard is the sections of an export, in order: the facts, the
// timeline, the transcript (threads, edits, reactions, files in place) and
// the list of files. A section of another part (the postmortem, the
// follow-ups) goes in this list where it belongs.
func Standard() []Section {
	return []Section{Facts{}, Timeline{}, Transcript{}, Files{}}
}

// Export is one export being written: the record and what the sections
// have shown of it so far.
type Export struct {
	Record
	opts     Options
	embedded int64             // bytes embedded in the page so far
	shown    map[string]string // document name -> anchor where it was shown
	num      map[string]int    // message ID -> its number, for replies
}

func newExport(rec Record, opts Options) *Export {
	if opts.MaxEmbedBytes <= 0 {
		opts.MaxEmbedBytes = DefaultMaxEmbedBytes
	}
	if opts.MaxEmbedTotal <= 0 {
		opts.MaxEmbedTotal = DefaultMaxEmbedTotal
	}
	if rec.At.IsZero() {
		rec.At = time.Now()
	}
	return &Export{Record: rec, opts: opts, shown: map[string]string{}, num: map[string]int{}}
}

// Doc returns the stored document named name, or nil.
func (x *Export) Doc(name string) *archive.Stored {
	for i := range x.Docs {
		if x.Docs[i].Name == name {
			return &x.Docs[i]
		}
	}
	return nil
}

// TranscriptDoc returns the stored JSON transcript, or nil when there is
// none yet (the incident has not closed).
func (x *Export) TranscriptDoc() *archive.Stored {
	for i := range x.Docs {
		if x.Docs[i].Format == "json" {
			return &x.Docs[i]
		}
	}
	return nil
}

// FileDocs returns the stored files (not the transcripts), in the
// store's order.
func (x *Export) FileDocs() []archive.Stored {
	var out []archive.Stored
	for _, d := range x.Docs {
		if d.Format == "file" {
			out = append(out, d)
		}
	}
	return out
}

// FilePath is where the zip holds a stored file, relative to the Markdown
// file: files/ and the name the archive gave it (unique within the
// incident), usable as a link as it is.
func FilePath(docName string) string {
	base := path.Base(docName)
	if base == "." || base == ".." || base == "/" || base == "" {
		base = "file"
	}
	return "files/" + base
}

// Missing says what a live incident's export lacks, or "" when the record
// is complete: the transcript is built when the incident closes and is
// complete only once archived.
func (x *Export) Missing() string {
	inc := x.Incident
	switch {
	case x.TranscriptDoc() == nil:
		return fmt.Sprintf("%s is %s: its transcript is built when it is closed and is complete only once it is archived, so this export holds its facts and timeline so far, without the channel's messages.", inc.Key, inc.Status)
	case inc.ArchivedAt == nil:
		return fmt.Sprintf("%s is %s and not archived yet: its transcript is built but may not be verified, and the channel may still change.", inc.Key, inc.Status)
	}
	return ""
}

// placement says where a stored document was verified, in words.
func placement(d archive.Stored) string {
	switch {
	case d.VerifiedAt == nil:
		return "stored in warroom, not verified yet"
	case d.Placement == archive.PlacementTicket:
		return "verified in the ticket " + d.VerifiedAt.UTC().Format(timeLayout)
	default:
		s := "kept in warroom, verified " + d.VerifiedAt.UTC().Format(timeLayout)
		if d.Reason != "" {
			s += " (" + d.Reason + ")"
		}
		return s
	}
}

const timeLayout = "2006-01-02 15:04:05Z07:00"

func when(t *time.Time) string {
	if t == nil {
		return "not yet"
	}
	return t.UTC().Format(timeLayout)
}

// since is the time from start to t, or "" when t is unset.
func since(start time.Time, t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Sub(start).Round(time.Second).String()
}

// oneLine folds a text onto one line, for lists.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ⏎ ")
}

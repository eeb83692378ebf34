package archive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Options tune what goes into the archive.
type Options struct {
	// PinEmoji is the reaction that pins a message to the timeline; the
	// archive picks up pins that warroom did not see live.
	PinEmoji string
	// MaxTotalFileBytes bounds the bytes of all files copied into one
	// archive; files beyond it are listed but not copied. 0 means 100 MiB.
	MaxTotalFileBytes int64
	// Summary, when set, renders the ticket_summary template into a comment
	// on the ticket once the archive is verified.
	Summary incident.Renderer
	// Postmortem renders the postmortem's draft (template postmortem) and
	// the ticket comment that goes with a stored revision
	// (postmortem_comment).
	Postmortem incident.Renderer
	// PublicURL is where warroom's web UI is reached, for links.
	PublicURL string
	// TempDir holds the transcript while it is rendered; empty means the
	// system's temporary directory.
	TempDir string
}

// renderer writes the Markdown and JSON transcripts in one pass over the
// messages. The message parts go to temporary files as they are read, so
// memory stays flat however long the channel is; finish puts head, body
// and completeness record together as streams.
type renderer struct {
	opts      Options
	key       string
	md, js    *spool // the messages part of each document
	messages  int
	ids       map[string]int32 // message ID -> its number, for reply markers
	pins      []incident.Event // messages pinned by reaction
	files     []spooledFile
	fileBytes int64
	fileNames map[string]bool
	temps     []string // files to remove when done
}

// spool is a temporary file written through a buffer.
type spool struct {
	f *os.File
	w *bufio.Writer
}

type spooledFile struct {
	doc  Document
	path string
}

const timeLayout = "2006-01-02 15:04:05Z07:00"

func newRenderer(key string, opts Options) (*renderer, error) {
	if opts.MaxTotalFileBytes <= 0 {
		opts.MaxTotalFileBytes = 100 << 20
	}
	r := &renderer{opts: opts, key: key, ids: map[string]int32{}, fileNames: map[string]bool{}}
	var err error
	if r.md, err = r.newSpool(); err != nil {
		return nil, err
	}
	if r.js, err = r.newSpool(); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

func (r *renderer) newSpool() (*spool, error) {
	f, err := os.CreateTemp(r.opts.TempDir, "warroom-transcript-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file for the transcript: %w (set TMPDIR to a writable directory)", err)
	}
	r.temps = append(r.temps, f.Name())
	return &spool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// close removes the temporary files.
func (r *renderer) close() {
	for _, s := range []*spool{r.md, r.js} {
		if s != nil {
			s.f.Close()
		}
	}
	for _, p := range r.temps {
		os.Remove(p)
	}
}

// add renders one message into both documents.
func (r *renderer) add(m Message) error {
	r.messages++
	label := fmt.Sprintf("#%d", r.messages)
	if m.ThreadID == "" && !m.NoReplies {
		r.ids[m.ID] = int32(r.messages) // only roots are replied to
	}
	for i := range m.Files {
		if err := r.copyFile(m.ID, &m.Files[i]); err != nil {
			return err
		}
	}
	for _, re := range m.Reactions {
		if r.opts.PinEmoji != "" && re.Emoji == r.opts.PinEmoji && !m.System {
			actor := ""
			if len(re.Users) > 0 {
				actor = re.Users[0]
			}
			r.pins = append(r.pins, incident.Event{Kind: incident.EventPinned, Actor: actor,
				Text: "“" + m.Text + "” (" + m.Author + ")", At: m.At, Ref: "message/" + m.ID})
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode message %s: %w", m.ID, err)
	}
	if r.messages > 1 {
		r.js.w.WriteByte(',')
	}
	r.js.w.Write(b)
	r.writeMarkdown(m, label)
	return nil
}

func (r *renderer) writeMarkdown(m Message, label string) {
	w := r.md.w
	prefix := ""
	if m.ThreadID != "" {
		root := "an earlier message"
		if n := r.ids[m.ThreadID]; n > 0 {
			root = fmt.Sprintf("#%d", n)
		}
		prefix = "> "
		fmt.Fprintf(w, "> ↳ reply to %s\n", root)
	}
	author := "**" + m.Author + "**"
	if m.System {
		author = "_system_"
	}
	fmt.Fprintf(w, "%s%s %s · %s", prefix, label, author, m.At.Format(timeLayout))
	if m.EditedAt != nil {
		fmt.Fprintf(w, " (edited %s)", m.EditedAt.Format(timeLayout))
	}
	w.WriteString("\n")
	for _, line := range strings.Split(m.Text, "\n") {
		fmt.Fprintf(w, "%s%s\n", prefix, line)
	}
	for _, f := range m.Files {
		fmt.Fprintf(w, "%s📎 %s (%s, %d bytes)", prefix, f.Name, f.Type, f.Size)
		if f.Archived != "" {
			fmt.Fprintf(w, " → %s", f.Archived)
		} else if f.NotCopied != "" {
			fmt.Fprintf(w, " (not copied: %s)", f.NotCopied)
		}
		w.WriteString("\n")
	}
	for _, re := range m.Reactions {
		fmt.Fprintf(w, "%s:%s: %s\n", prefix, re.Emoji, strings.Join(re.Users, ", "))
	}
	w.WriteString("\n")
}

// copyFile writes a file's bytes to a temporary file that becomes an
// archive document, within the total budget, and notes on the file what
// became of it.
func (r *renderer) copyFile(msgID string, f *File) error {
	switch {
	case f.Data == nil:
		if f.NotCopied == "" {
			f.NotCopied = "over the chat backend's size limit for copying"
		}
		return nil
	case r.fileBytes+int64(len(f.Data)) > r.opts.MaxTotalFileBytes:
		f.NotCopied = fmt.Sprintf("the archive's %d-byte budget for files is spent", r.opts.MaxTotalFileBytes)
		f.Data = nil
		return nil
	}
	short := msgID
	if len(short) > 8 {
		short = short[:8]
	}
	name := r.key + "-files/" + short + "-" + safeName(f.Name)
	for i := 2; r.fileNames[name]; i++ {
		name = fmt.Sprintf("%s-files/%s-%d-%s", r.key, short, i, safeName(f.Name))
	}
	tmp, err := os.CreateTemp(r.opts.TempDir, "warroom-file-*")
	if err != nil {
		return fmt.Errorf("temporary file for %s: %w", f.Name, err)
	}
	r.temps = append(r.temps, tmp.Name())
	_, err = tmp.Write(f.Data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spool %s: %w", f.Name, err)
	}
	r.fileNames[name] = true
	r.fileBytes += int64(len(f.Data))
	ctype := f.Type
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	r.files = append(r.files, spooledFile{doc: Document{Format: "file", Name: name, ContentType: ctype}, path: tmp.Name()})
	f.Archived, f.Data = name, nil
	return nil
}

// safeName keeps a file name usable as an attachment name anywhere.
func safeName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	var b strings.Builder
	for _, r := range name {
		if r == '/' || r < 0x20 || r == 0x7f {
			r = '_'
		}
		b.WriteRune(r)
	}
	if s := b.String(); s != "" && s != "." && s != ".." {
		return s
	}
	return "file"
}

// part is one rendered document ready to be stored: its description and
// the pieces its content is read from, in order.
type part struct {
	doc    Document
	pieces []piece
}

// piece is bytes in memory or a whole temporary file.
type piece struct {
	data []byte
	path string
}

// open reads a part's pieces one after the other.
func (p part) open() (io.ReadCloser, error) {
	var readers []io.Reader
	var files []*os.File
	for _, pc := range p.pieces {
		if pc.path == "" {
			readers = append(readers, bytes.NewReader(pc.data))
			continue
		}
		f, err := os.Open(pc.path)
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, fmt.Errorf("reopen the transcript's temporary file: %w", err)
		}
		files = append(files, f)
		readers = append(readers, f)
	}
	return multiCloser{Reader: io.MultiReader(readers...), files: files}, nil
}

type multiCloser struct {
	io.Reader
	files []*os.File
}

func (m multiCloser) Close() error {
	for _, f := range m.files {
		f.Close()
	}
	return nil
}

// finish flushes the message parts and returns the documents: head,
// timeline (with pins found in the history that were not on it yet),
// messages and the completeness check they passed; then the files. It
// also returns the new pins.
func (r *renderer) finish(inc *incident.Incident, events []incident.Event, count Count) ([]part, []incident.Event, error) {
	for _, s := range []*spool{r.md, r.js} {
		if err := s.w.Flush(); err != nil {
			return nil, nil, fmt.Errorf("write the transcript's temporary file: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, ev := range events {
		if ev.Kind == incident.EventPinned {
			seen[ev.Ref] = true
		}
	}
	var newPins []incident.Event
	for _, p := range r.pins {
		if !seen[p.Ref] {
			seen[p.Ref] = true
			newPins = append(newPins, p)
		}
	}
	timeline := append(append([]incident.Event{}, events...), newPins...)
	sort.SliceStable(timeline, func(i, j int) bool { return timeline[i].At.Before(timeline[j].At) })

	var mdHead bytes.Buffer
	writeMarkdownHead(&mdHead, inc, timeline)
	if r.messages == 0 {
		mdHead.WriteString("_No messages._\n")
	}
	mdTail := fmt.Sprintf("## Completeness\n\n%d messages, checked against the chat server's own count: %d (%s); accounted for %d",
		count.Archived, count.Server, count.Basis, count.Accounted)
	if count.Deleted > 0 {
		mdTail += fmt.Sprintf(", of which %d deleted", count.Deleted)
	}
	if short := count.Server - count.Accounted; short > 0 {
		mdTail += fmt.Sprintf("; %d short, accepted by %s (up to %d; see the timeline for the reason)", short, count.AcceptedBy, count.Accepted)
	}
	mdTail += ". Checked " + count.CheckedAt.Format(timeLayout) + ".\n"

	head, err := json.Marshal(struct {
		Incident *incident.Incident `json:"incident"`
		Timeline []incident.Event   `json:"timeline"`
	}{inc, timeline})
	if err != nil {
		return nil, nil, fmt.Errorf("encode transcript head: %w", err)
	}
	jsHead := append(head[:len(head)-1:len(head)-1], `,"messages":[`...) // leave the object open for the messages
	countJSON, err := json.Marshal(count)
	if err != nil {
		return nil, nil, fmt.Errorf("encode completeness: %w", err)
	}
	jsTail := append(append([]byte(`],"completeness":`), countJSON...), "}\n"...)

	parts := []part{
		{doc: Document{Format: "md", Name: inc.Key + "-transcript.md", ContentType: "text/markdown; charset=utf-8"},
			pieces: []piece{{data: mdHead.Bytes()}, {path: r.md.f.Name()}, {data: []byte(mdTail)}}},
		{doc: Document{Format: "json", Name: inc.Key + "-transcript.json", ContentType: "application/json"},
			pieces: []piece{{data: jsHead}, {path: r.js.f.Name()}, {data: jsTail}}},
	}
	for _, f := range r.files {
		parts = append(parts, part{doc: f.doc, pieces: []piece{{path: f.path}}})
	}
	return parts, newPins, nil
}

func writeMarkdownHead(w *bytes.Buffer, inc *incident.Incident, events []incident.Event) {
	fmt.Fprintf(w, "# %s: %s\n\n", inc.Key, inc.Title)
	fmt.Fprintf(w, "- Severity: %s\n- Status: %s\n- Source: %s\n", inc.Severity, inc.Status, inc.Source)
	fmt.Fprintf(w, "- Opened: %s\n", inc.CreatedAt.Format(timeLayout))
	if inc.AckedAt != nil {
		fmt.Fprintf(w, "- Acked: %s by %s\n", inc.AckedAt.Format(timeLayout), inc.AckedBy)
	}
	if inc.ResolvedAt != nil {
		fmt.Fprintf(w, "- Resolved: %s\n", inc.ResolvedAt.Format(timeLayout))
	}
	if inc.ClosedAt != nil {
		fmt.Fprintf(w, "- Closed: %s by %s", inc.ClosedAt.Format(timeLayout), inc.ClosedBy)
		if inc.CloseReason != "" {
			fmt.Fprintf(w, " (%s)", inc.CloseReason)
		}
		w.WriteString("\n")
	}
	if !inc.Channel.Empty() {
		fmt.Fprintf(w, "- Channel: %s #%s\n", inc.Channel.Backend, inc.Channel.Name)
	}
	if !inc.Ticket.Empty() {
		fmt.Fprintf(w, "- Ticket: %s %s\n", inc.Ticket.Backend, inc.Ticket.Key)
	}
	for _, l := range inc.Links {
		fmt.Fprintf(w, "- %s: %s\n", l.Title, l.URL)
	}
	if inc.Summary != "" {
		fmt.Fprintf(w, "\n## Summary\n\n%s\n", inc.Summary)
	}
	w.WriteString("\n## Timeline\n\n")
	for _, ev := range events {
		fmt.Fprintf(w, "- %s **%s** %s: %s\n", ev.At.Format(timeLayout), ev.Kind, ev.Actor, oneLine(ev.Text))
	}
	w.WriteString("\n## Transcript\n\n")
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ⏎ ")
}

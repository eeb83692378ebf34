package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Document is a file of the archive: a rendered transcript or a file copied
// from the channel.
type Document struct {
	Format      string // md, json or file
	Name        string // e.g. INC-42-transcript.md, INC-42-files/ab12cd34-graph.png
	ContentType string
	Content     []byte
	SHA256      string // hex digest of Content
}

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
	// PublicURL is where warroom's web UI is reached, for links.
	PublicURL string
}

// renderer writes the Markdown and JSON transcripts in one pass over the
// messages, so a channel's history is read once, a page at a time.
type renderer struct {
	opts      Options
	key       string
	md, js    bytes.Buffer // the messages part of each document
	messages  int
	ids       map[string]string // message ID -> "#n", for reply markers
	pins      []incident.Event  // messages pinned by reaction
	files     []Document
	fileBytes int64
	fileNames map[string]bool
}

const timeLayout = "2006-01-02 15:04:05Z07:00"

func newRenderer(key string, opts Options) *renderer {
	if opts.MaxTotalFileBytes <= 0 {
		opts.MaxTotalFileBytes = 100 << 20
	}
	return &renderer{opts: opts, key: key, ids: map[string]string{}, fileNames: map[string]bool{}}
}

// add renders one message into both documents.
func (r *renderer) add(m Message) error {
	r.messages++
	label := fmt.Sprintf("#%d", r.messages)
	r.ids[m.ID] = label
	for i := range m.Files {
		r.copyFile(m.ID, &m.Files[i])
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
		r.js.WriteByte(',')
	}
	r.js.Write(b)
	r.writeMarkdown(m, label)
	return nil
}

func (r *renderer) writeMarkdown(m Message, label string) {
	w := &r.md
	prefix := ""
	if m.ThreadID != "" {
		root := r.ids[m.ThreadID]
		if root == "" {
			root = "an earlier message"
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

// copyFile turns a file's bytes into an archive document, within the total
// budget, and notes on the file what became of it.
func (r *renderer) copyFile(msgID string, f *File) {
	switch {
	case f.Data == nil:
		if f.NotCopied == "" {
			f.NotCopied = "over the chat backend's size limit for copying"
		}
		return
	case r.fileBytes+int64(len(f.Data)) > r.opts.MaxTotalFileBytes:
		f.NotCopied = fmt.Sprintf("the archive's %d-byte budget for files is spent", r.opts.MaxTotalFileBytes)
		f.Data = nil
		return
	}
	short := msgID
	if len(short) > 8 {
		short = short[:8]
	}
	name := r.key + "-files/" + short + "-" + safeName(f.Name)
	for i := 2; r.fileNames[name]; i++ {
		name = fmt.Sprintf("%s-files/%s-%d-%s", r.key, short, i, safeName(f.Name))
	}
	r.fileNames[name] = true
	r.fileBytes += int64(len(f.Data))
	ctype := f.Type
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	r.files = append(r.files, newDocument("file", name, ctype, f.Data))
	f.Archived, f.Data = name, nil
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

// finish writes the documents: head, timeline (with pins found in the
// history that were not on it yet) and messages. It returns the new pins.
func (r *renderer) finish(inc *incident.Incident, events []incident.Event) ([]Document, []incident.Event, error) {
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

	var md bytes.Buffer
	writeMarkdownHead(&md, inc, timeline)
	if r.messages == 0 {
		md.WriteString("_No messages._\n")
	}
	md.Write(r.md.Bytes())

	var js bytes.Buffer
	head, err := json.Marshal(struct {
		Incident *incident.Incident `json:"incident"`
		Timeline []incident.Event   `json:"timeline"`
	}{inc, timeline})
	if err != nil {
		return nil, nil, fmt.Errorf("encode transcript head: %w", err)
	}
	js.Write(head[:len(head)-1]) // leave the object open for the messages
	js.WriteString(`,"messages":[`)
	js.Write(r.js.Bytes())
	js.WriteString("]}\n")

	docs := []Document{
		newDocument("md", inc.Key+"-transcript.md", "text/markdown; charset=utf-8", md.Bytes()),
		newDocument("json", inc.Key+"-transcript.json", "application/json", js.Bytes()),
	}
	return append(docs, r.files...), newPins, nil
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

// Render builds the transcript documents (Markdown, JSON, then the copied
// files) from an incident, its timeline and its messages in order. It also
// returns the pins found in the messages that the timeline lacked.
func Render(inc *incident.Incident, events []incident.Event, messages func(func(Message) error) error, opts Options) ([]Document, []incident.Event, error) {
	r := newRenderer(inc.Key, opts)
	if err := messages(r.add); err != nil {
		return nil, nil, err
	}
	return r.finish(inc, events)
}

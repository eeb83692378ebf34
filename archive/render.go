package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Document is a rendered transcript file.
type Document struct {
	Format      string // md or json
	Name        string // file name, e.g. INC-42-transcript.md
	ContentType string
	Content     []byte
	SHA256      string // hex digest of Content
}

// renderer writes the Markdown and JSON transcripts in one pass over the
// messages, so a channel's history is read once and never held whole.
type renderer struct {
	md, js   bytes.Buffer
	messages int
	ids      map[string]string // message ID -> short label, for reply markers
}

const timeLayout = "2006-01-02 15:04:05Z07:00"

func newRenderer(inc *incident.Incident, events []incident.Event) (*renderer, error) {
	r := &renderer{ids: map[string]string{}}
	r.writeMarkdownHead(inc, events)
	head, err := json.Marshal(struct {
		Incident *incident.Incident `json:"incident"`
		Timeline []incident.Event   `json:"timeline"`
	}{inc, events})
	if err != nil {
		return nil, fmt.Errorf("encode transcript head: %w", err)
	}
	r.js.Write(head[:len(head)-1]) // leave the object open for the messages
	r.js.WriteString(`,"messages":[`)
	return r, nil
}

func (r *renderer) writeMarkdownHead(inc *incident.Incident, events []incident.Event) {
	w := &r.md
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

// add renders one message into both formats.
func (r *renderer) add(m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode message %s: %w", m.ID, err)
	}
	if r.messages > 0 {
		r.js.WriteByte(',')
	}
	r.js.Write(b)
	r.messages++
	label := fmt.Sprintf("#%d", r.messages)
	r.ids[m.ID] = label

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
		fmt.Fprintf(w, "%s📎 %s (%s, %d bytes)\n", prefix, f.Name, f.Type, f.Size)
	}
	for _, re := range m.Reactions {
		fmt.Fprintf(w, "%s:%s: %s\n", prefix, re.Emoji, strings.Join(re.Users, ", "))
	}
	w.WriteString("\n")
	return nil
}

// finish closes both documents and hashes them.
func (r *renderer) finish(key string) []Document {
	if r.messages == 0 {
		r.md.WriteString("_No messages._\n")
	}
	r.js.WriteString("]}\n")
	return []Document{
		newDocument("md", key+"-transcript.md", "text/markdown; charset=utf-8", r.md.Bytes()),
		newDocument("json", key+"-transcript.json", "application/json", r.js.Bytes()),
	}
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ⏎ ")
}

// Render builds both transcript documents from an incident, its timeline
// and its messages in order.
func Render(inc *incident.Incident, events []incident.Event, messages func(func(Message) error) error) ([]Document, error) {
	r, err := newRenderer(inc, events)
	if err != nil {
		return nil, err
	}
	if err := messages(r.add); err != nil {
		return nil, err
	}
	return r.finish(inc.Key), nil
}

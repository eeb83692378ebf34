package export

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
)

// fact is one line of the facts section: a name and its value as text, or
// a link when href is set.
type fact struct{ name, value, href string }

// facts lists what is known of the incident, one copy for both forms.
func (x *Export) facts() []fact {
	inc := x.Incident
	fs := []fact{{"Key", inc.Key, ""}, {"Title", inc.Title, ""}, {"Severity", inc.Severity.String(), ""},
		{"Status", string(inc.Status), ""}, {"Source", inc.Source, ""}}
	if inc.StatusMsg != "" {
		fs = append(fs, fact{"Latest update", inc.StatusMsg, ""})
	}
	if inc.Commander != "" {
		fs = append(fs, fact{"Commander", "@" + inc.Commander, ""})
	}
	roles := make([]string, 0, len(inc.Roles))
	for r := range inc.Roles {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		fs = append(fs, fact{r, "@" + inc.Roles[r], ""})
	}
	if inc.Parent != "" {
		fs = append(fs, fact{"Part of", inc.Parent, ""})
	}
	opened := inc.CreatedAt
	fs = append(fs, fact{"Opened", opened.UTC().Format(timeLayout), ""})
	acked := when(inc.AckedAt)
	if inc.AckedBy != "" {
		acked += " by @" + inc.AckedBy
	}
	fs = append(fs, fact{"Acked", acked, ""})
	if d := since(opened, inc.AckedAt); d != "" {
		fs = append(fs, fact{"Time to ack", d, ""})
	}
	fs = append(fs, fact{"Resolved", when(inc.ResolvedAt), ""})
	if d := since(opened, inc.ResolvedAt); d != "" {
		fs = append(fs, fact{"Time to resolve", d, ""})
	}
	closed := when(inc.ClosedAt)
	if inc.ClosedBy != "" {
		closed += " by @" + inc.ClosedBy
	}
	if inc.CloseReason != "" {
		closed += " (" + inc.CloseReason + ")"
	}
	fs = append(fs, fact{"Closed", closed, ""}, fact{"Archived", when(inc.ArchivedAt), ""})
	if !inc.Channel.Empty() {
		fs = append(fs, fact{"Channel", "#" + inc.Channel.Name + " on " + inc.Channel.Backend, ""})
	}
	if !inc.Ticket.Empty() {
		fs = append(fs, fact{"Ticket", inc.Ticket.Key + " on " + inc.Ticket.Backend, HrefOf(inc.Ticket.URL)})
	}
	labels := make([]string, 0, len(inc.Labels))
	for k := range inc.Labels {
		labels = append(labels, k)
	}
	sort.Strings(labels)
	for _, k := range labels {
		fs = append(fs, fact{"Label " + k, inc.Labels[k], ""})
	}
	for _, l := range inc.Links {
		fs = append(fs, fact{l.Title, l.URL, HrefOf(l.URL)})
	}
	return fs
}

// Facts is the header of an export: what the incident is, when each step
// happened and how long it took, who led it, its channel, ticket, labels,
// links and summary.
type Facts struct{}

// ID implements Section.
func (Facts) ID() string { return "facts" }

// Title implements Section.
func (Facts) Title() string { return "Facts" }

// HTML implements Section.
func (Facts) HTML(_ context.Context, w io.Writer, x *Export) error {
	io.WriteString(w, "<dl class=\"facts\">\n")
	for _, f := range x.facts() {
		v := H(f.value)
		if f.href != "" {
			v = `<a href="` + H(f.href) + `">` + v + `</a>`
		}
		fmt.Fprintf(w, "<dt>%s</dt><dd>%s</dd>\n", H(f.name), v)
	}
	io.WriteString(w, "</dl>\n")
	if s := x.Incident.Summary; s != "" {
		fmt.Fprintf(w, "<h3>Summary</h3>\n<div class=\"text summary\">%s</div>\n", H(s))
	}
	return nil
}

// Markdown implements Section.
func (Facts) Markdown(_ context.Context, w io.Writer, x *Export) error {
	for _, f := range x.facts() {
		v := inline(f.value)
		if f.href != "" {
			v = "[" + v + "](<" + mdHref.Replace(f.href) + ">)"
		}
		fmt.Fprintf(w, "- **%s:** %s\n", inline(f.name), v)
	}
	if s := x.Incident.Summary; s != "" {
		fmt.Fprintf(w, "\n### Summary\n\n%s\n", Text(s))
	}
	return nil
}

// Timeline is every event of the incident in the order things happened.
type Timeline struct{}

// ID implements Section.
func (Timeline) ID() string { return "timeline" }

// Title implements Section.
func (Timeline) Title() string { return "Timeline" }

// HTML implements Section.
func (Timeline) HTML(_ context.Context, w io.Writer, x *Export) error {
	if len(x.Events) == 0 {
		io.WriteString(w, "<p class=\"hint\">No events.</p>\n")
		return nil
	}
	io.WriteString(w, "<ol class=\"timeline\">\n")
	for _, ev := range x.Events {
		fmt.Fprintf(w, "<li id=\"ev-%d\"><span class=\"when\">%s</span> <span class=\"kind\">%s</span> %s",
			ev.ID, H(ev.At.UTC().Format(timeLayout)), H(string(ev.Kind)), H(ev.Actor))
		if ev.Text != "" {
			fmt.Fprintf(w, "<div class=\"text\">%s</div>", H(ev.Text))
		}
		io.WriteString(w, "</li>\n")
	}
	io.WriteString(w, "</ol>\n")
	return nil
}

// Markdown implements Section.
func (Timeline) Markdown(_ context.Context, w io.Writer, x *Export) error {
	if len(x.Events) == 0 {
		io.WriteString(w, "No events.\n")
		return nil
	}
	for _, ev := range x.Events {
		fmt.Fprintf(w, "- %s **%s** %s", ev.At.UTC().Format(timeLayout), inline(string(ev.Kind)), inline(ev.Actor))
		if ev.Text != "" {
			fmt.Fprintf(w, ": %s", inline(ev.Text))
		}
		io.WriteString(w, "\n")
	}
	return nil
}

// Files lists every document of the record with its size and SHA-256:
// the stored transcripts, and each copied file with a link to where the
// transcript shows it (a file no message showed is embedded here).
type Files struct{}

// ID implements Section.
func (Files) ID() string { return "files" }

// Title implements Section.
func (Files) Title() string { return "Files" }

// HTML implements Section.
func (Files) HTML(ctx context.Context, w io.Writer, x *Export) error {
	if len(x.Docs) == 0 {
		io.WriteString(w, "<p class=\"hint\">No documents stored yet: they are made when the incident is closed.</p>\n")
		return nil
	}
	io.WriteString(w, "<table><thead><tr><th>Document</th><th>Type</th><th>Bytes</th><th>SHA-256</th><th>Where</th></tr></thead><tbody>\n")
	var rest []int
	for i, d := range x.Docs {
		name := H(fileName(d.Name))
		if a, ok := x.shown[d.Name]; ok {
			name = `<a href="#` + H(a) + `">` + name + `</a>`
		} else if d.Format == "file" {
			rest = append(rest, i)
			name = fmt.Sprintf(`<a href="#doc-%d">%s</a>`, i, name)
		}
		fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td><td class=\"n\">%d</td><td class=\"sha\">%s</td><td>%s</td></tr>\n",
			name, H(d.ContentType), d.Size, H(d.SHA256), H(placement(d)))
	}
	io.WriteString(w, "</tbody></table>\n")
	for _, i := range rest {
		if err := x.embedFile(ctx, w, x.Docs[i], fmt.Sprintf("doc-%d", i)); err != nil {
			return err
		}
	}
	return nil
}

// Markdown implements Section.
func (Files) Markdown(_ context.Context, w io.Writer, x *Export) error {
	if len(x.Docs) == 0 {
		io.WriteString(w, "No documents stored yet: they are made when the incident is closed.\n")
		return nil
	}
	io.WriteString(w, "| Document | Type | Bytes | SHA-256 | Where |\n|---|---|---|---|---|\n")
	for _, d := range x.Docs {
		name := tableCell(fileName(d.Name))
		if d.Format == "file" {
			name = "[" + name + "](" + mdPath(d.Name) + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %d | `%s` | %s |\n", name, tableCell(d.ContentType), d.Size, d.SHA256, tableCell(placement(d)))
	}
	return nil
}

// parens are percent-encoded in link targets: an unbalanced one ends a
// Markdown link.
var parens = strings.NewReplacer("(", "%28", ")", "%29")

// mdHref percent-encodes what would end a Markdown link target written
// in angle brackets, or start HTML in it.
var mdHref = strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\n", "%0A", "\\", "%5C")

// tableCell escapes a text for a Markdown table cell.
func tableCell(s string) string {
	return strings.ReplaceAll(mdEscaper.Replace(oneLine(s)), "|", `\|`)
}

// mdPath is FilePath as a Markdown link target: percent-encoded, so that
// spaces and brackets in a name do not end the link.
func mdPath(docName string) string {
	p := FilePath(docName)
	return "files/" + parens.Replace(url.PathEscape(p[len("files/"):]))
}

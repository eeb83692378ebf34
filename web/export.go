package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/archive/export"
	"github.com/warroom/warroom/incident"
)

// exportRecord answers GET …/incidents/{key}/export.html and export.zip
// (the UI with its sign-in, the API with its token): the whole record of
// the incident as one self-contained page or a zip of Markdown and files
// (archive/export). It reads the incident, its timeline and its stored
// documents first, so that an unknown incident or format is an error
// answer; then it streams the export, and a failure after the first byte
// can only cut it short, and is logged.
func (s *Server) exportRecord(w http.ResponseWriter, r *http.Request) {
	format := chi.URLParam(r, "format")
	if format != "html" && format != "zip" {
		s.writeError(w, r, incident.Errorf(incident.KindInvalid, "export.%s: the export is export.html (one page) or export.zip (Markdown and files)", format))
		return
	}
	inc, err := s.Incidents.Get(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	events, err := s.Incidents.Timeline(r.Context(), inc.Key)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rec := export.Record{Incident: inc, Events: events, At: s.Clock.Now()}
	if s.Transcripts != nil {
		if rec.Docs, err = s.Transcripts.Transcripts(r.Context(), inc.ID); err != nil {
			s.writeError(w, r, fmt.Errorf("read the documents of %s: %w", inc.Key, err))
			return
		}
	}
	sections := s.ExportSections
	if sections == nil {
		sections = export.Standard()
	}
	if sections, err = s.withPostmortem(r, inc, sections); err != nil {
		s.writeError(w, r, err)
		return
	}
	if sections, err = s.withFollowups(r, inc, sections); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	start := time.Now()
	cw := &countingWriter{w: w}
	if format == "html" {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", export.ContentSecurityPolicy)
		h.Set("Content-Disposition", `inline; filename="`+inc.Key+`.html"`)
		err = export.WriteHTML(r.Context(), cw, rec, sections, export.Options{})
	} else {
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="`+inc.Key+`.zip"`)
		err = export.WriteZip(r.Context(), cw, rec, sections)
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "export cut short", "incident", inc.Key, "format", format, "sent", cw.n, "error", err)
		return
	}
	s.log.InfoContext(r.Context(), "exported", "incident", inc.Key, "format", format, "bytes", cw.n, "documents", len(rec.Docs),
		"ms", time.Since(start).Milliseconds())
}

// withPostmortem puts the incident's postmortem after its facts, or says
// that there is none yet (postmortems off: the sections as they are).
func (s *Server) withPostmortem(r *http.Request, inc *incident.Incident, sections []export.Section) ([]export.Section, error) {
	if s.Postmortems == nil {
		return sections, nil
	}
	pm, err := s.Postmortems.Postmortem(r.Context(), inc.Key)
	switch {
	case err == nil:
		return export.Insert(sections, "facts", export.Prose{Anchor: "postmortem", Heading: "Postmortem", Body: pm.Body,
			Note: fmt.Sprintf("%s, revision %d by %s, %s", pm.State, pm.Revision, pm.EditedBy, pm.EditedAt.UTC().Format(time.RFC3339))}), nil
	case incident.ErrorKind(err) == incident.KindNotFound:
		return export.Insert(sections, "facts", export.Prose{Anchor: "postmortem", Heading: "Postmortem",
			Empty: "No postmortem yet: it is drafted when the incident closes."}), nil
	}
	return nil, fmt.Errorf("read the postmortem of %s: %w", inc.Key, err)
}

// withFollowups puts the incident's follow-ups after its postmortem (or
// its facts), one line each with its state and ticket; follow-ups off: the
// sections as they are.
func (s *Server) withFollowups(r *http.Request, inc *incident.Incident, sections []export.Section) ([]export.Section, error) {
	if s.Followups == nil {
		return sections, nil
	}
	list, err := s.Followups.Followups(r.Context(), inc.Key)
	if err != nil {
		return nil, fmt.Errorf("read the follow-ups of %s: %w", inc.Key, err)
	}
	var body strings.Builder
	for _, f := range list {
		// One line each; Prose keeps any HTML in it from starting (its
		// "<" become "&lt;" in the Markdown, escaped text on the page).
		fmt.Fprintf(&body, "- [%s] %s (by @%s", f.State, oneLine(f.Text), oneLine(f.Actor))
		if f.Ticket.Key != "" {
			fmt.Fprintf(&body, "; %s %s", f.Ticket.Backend, oneLine(f.Ticket.Key))
		}
		body.WriteString(")\n")
	}
	after := "facts"
	if s.Postmortems != nil {
		after = "postmortem"
	}
	return export.Insert(sections, after, export.Prose{Anchor: "follow-ups", Heading: "Follow-ups", Body: body.String(),
		Empty: "No follow-ups."}), nil
}

// oneLine folds s onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// reply is warroom's answer to something a person did on a page (a
// command typed or clicked, a message refused, a pin): shown to that
// person alone, where they look: in the channel's log after what they
// typed, or beside the incident page's actions.
type reply struct {
	Typed  string    `json:"typed"`           // what the person typed or pressed, echoed
	Text   string    `json:"text"`            // warroom's answer, Markdown
	Failed bool      `json:"failed"`          // the answer is a refusal: the text box keeps its text
	Draft  string    `json:"draft,omitempty"` // the refused text, for the page without JavaScript
	At     time.Time `json:"at"`
}

// replyAnswer is the JSON a page's script gets for a form it sent.
type replyAnswer struct {
	Reply    *reply `json:"reply,omitempty"`
	HTML     string `json:"html,omitempty"`     // the reply as the log shows it
	Redirect string `json:"redirect,omitempty"` // where the page goes on (after a close)
}

// flashReply is the flash kind of a reply kept for the next page.
const flashReply = "reply"

// maxDraft bounds the refused text kept in the session for a page without
// JavaScript; the script keeps any text in the box itself.
const maxDraft = 64 << 10

// wantsJSON: the page's script sent the form and reads the answer.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// answer gives rp to the page that sent the form: as JSON to its script,
// or kept in the session for the page it is sent back to (to).
func (s *Server) answer(w http.ResponseWriter, r *http.Request, to string, rp *reply, redirect string) {
	if rp != nil {
		rp.At = s.Clock.Now()
	}
	if wantsJSON(r) {
		if redirect != "" && rp != nil {
			s.keepReply(r, rp) // for the page the script goes on to
		}
		a := replyAnswer{Reply: rp, Redirect: redirect}
		if rp != nil {
			var buf bytes.Buffer
			if err := s.ui.pages["channel"].ExecuteTemplate(&buf, "reply", rp); err != nil {
				s.log.Error("render reply", "err", err)
			}
			a.HTML = buf.String()
		}
		writeJSON(w, http.StatusOK, a)
		return
	}
	if rp != nil {
		s.keepReply(r, rp)
	}
	if redirect != "" {
		to = redirect
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// keepReply keeps rp in the session for the next page.
func (s *Server) keepReply(r *http.Request, rp *reply) {
	if len(rp.Draft) > maxDraft {
		rp.Draft = ""
		rp.Text += "\n\n(Your text was too long to keep here; it is not sent.)"
	}
	raw, _ := json.Marshal(rp)
	s.flash(r, flashReply, string(raw))
}

// fail answers an error of warroom or a refused form: JSON for the page's
// script, an error page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if wantsJSON(r) {
		s.writeError(w, r, err)
		return
	}
	s.uiError(w, r, err)
}

// shorten cuts an echo of what was typed to one line of n runes.
func shorten(text string, n int) string {
	text, _, cut := strings.Cut(strings.TrimSpace(text), "\n")
	if r := []rune(text); len(r) > n {
		return string(r[:n]) + "…"
	} else if cut {
		return text + " …"
	}
	return text
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// postmortemUI mounts the postmortem's pages (behind the sign-in).
func (s *Server) postmortemUI(r chi.Router) {
	if s.Postmortems == nil {
		return
	}
	r.Get("/postmortems", s.postmortemsPage)
	r.Get("/incidents/{key}/postmortem", s.postmortemPage)
	r.Post("/incidents/{key}/postmortem", s.postmortemEdit)
	r.Post("/incidents/{key}/postmortem/review", s.postmortemReview)
}

// revisionView is one revision in the page's history, with its change
// against the one before.
type revisionView struct {
	incident.PostmortemRevision
	Diff []diffLine
}

// postmortemForm is what the edit form holds: the text and the revision
// it starts from, and, after a refusal, why (shown above the box, with the
// refused text kept in it).
type postmortemForm struct {
	Body    string
	Base    int
	Problem string
}

func (s *Server) postmortemPage(w http.ResponseWriter, r *http.Request) {
	s.showPostmortem(w, r, http.StatusOK, nil)
}

// showPostmortem renders the postmortem page; form, when set, is a refused
// edit to show as it was sent.
func (s *Server) showPostmortem(w http.ResponseWriter, r *http.Request, code int, form *postmortemForm) {
	inc, err := s.Incidents.Get(r.Context(), chi.URLParam(r, "key"))
	if incident.ErrorKind(err) == incident.KindNotFound {
		s.noSuchIncident(w, r)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	data := map[string]any{"Incident": inc, "States": []incident.PostmortemState{incident.PostmortemDraft, incident.PostmortemReviewed, incident.PostmortemPublished}}
	pm, err := s.Postmortems.Postmortem(r.Context(), inc.Key)
	if incident.ErrorKind(err) == incident.KindNotFound {
		data["Missing"] = incident.ErrorMessage(err)
		s.renderStatus(w, r, http.StatusNotFound, "postmortem", "Postmortem of "+inc.Key, data)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	revs, err := s.Postmortems.PostmortemRevisions(r.Context(), inc.Key)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	history := make([]revisionView, len(revs))
	for i, rev := range revs {
		prev := ""
		if i > 0 {
			prev = revs[i-1].Body
		}
		history[len(revs)-1-i] = revisionView{PostmortemRevision: rev, Diff: lineDiff(prev, rev.Body, 2)}
	}
	if form == nil {
		form = &postmortemForm{Body: pm.Body, Base: pm.Revision}
	}
	data["Postmortem"], data["History"], data["Form"] = pm, history, form
	if err := s.addFollowups(r, inc, data, "postmortem"); err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderStatus(w, r, code, "postmortem", "Postmortem of "+inc.Key, data)
}

// postmortemEdit saves the edit form as a new revision by the signed-in
// person. A refusal (empty, unchanged, stale, no postmortem) shows the page
// again with the problem above the box and the text still in it; a stale
// edit's form then starts from the newest revision, so that saving again
// after reading the other change puts this one on top of it.
func (s *Server) postmortemEdit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	body := strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	pm, err := s.Postmortems.EditPostmortem(r.Context(), key, s.uiUser(r), body, base)
	if err != nil {
		if wantsJSON(r) || statusOf(err) >= 500 {
			s.fail(w, r, err)
			return
		}
		form := &postmortemForm{Body: body, Base: base, Problem: incident.ErrorMessage(err)}
		if incident.ErrorKind(err) == incident.KindConflict {
			if cur, cerr := s.Postmortems.Postmortem(r.Context(), key); cerr == nil {
				form.Base = cur.Revision
				form.Problem += " Your text is kept below; saved again, it becomes the revision after " + strconv.Itoa(cur.Revision) +
					", so bring their change into it first (it is in the history)."
			}
		}
		s.showPostmortem(w, r, statusOf(err), form)
		return
	}
	s.flash(r, flashNotice, "Saved revision "+strconv.Itoa(pm.Revision)+" of the postmortem of "+pm.Key+".")
	http.Redirect(w, r, "/incidents/"+pm.Key+"/postmortem", http.StatusSeeOther)
}

// postmortemReview marks the postmortem reviewed, published or back to
// draft, by the signed-in person.
func (s *Server) postmortemReview(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	to := "/incidents/" + url.PathEscape(key) + "/postmortem"
	st, err := incident.ParsePostmortemState(r.PostFormValue("state"))
	if err == nil {
		var pm *incident.Postmortem
		if pm, err = s.Postmortems.ReviewPostmortem(r.Context(), key, s.uiUser(r), st); err == nil {
			s.kick()
			s.flash(r, flashNotice, "The postmortem of "+pm.Key+" is "+string(pm.State)+" now.")
			http.Redirect(w, r, "/incidents/"+pm.Key+"/postmortem", http.StatusSeeOther)
			return
		}
	}
	if wantsJSON(r) || statusOf(err) >= 500 || statusOf(err) == http.StatusNotFound {
		s.fail(w, r, err)
		return
	}
	s.flash(r, flashError, incident.ErrorMessage(err))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// postmortemsPage is the review list: postmortems still in draft (or the
// state asked for), oldest first, filtered by severity.
func (s *Server) postmortemsPage(w http.ResponseWriter, r *http.Request) {
	f, err := parsePostmortemFilter(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	list, err := s.Postmortems.Postmortems(r.Context(), f)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	counts, err := s.followupCounts(r, list)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	chosen := map[string]bool{}
	for _, sev := range f.Severity {
		chosen[sev.String()] = true
	}
	s.render(w, r, "postmortems", "Postmortems to review", map[string]any{"List": list, "State": f.State, "Chosen": chosen, "Followups": counts,
		"Severities": incident.SeverityNames(), "States": []incident.PostmortemState{incident.PostmortemDraft, incident.PostmortemReviewed, incident.PostmortemPublished}})
}

// followupCount is one review-list row's follow-ups: how many are open and done.
type followupCount struct{ Open, Done int }

// followupCounts counts the follow-ups of each listed postmortem's
// incident, by key; nil while follow-ups are off (the column is left out).
func (s *Server) followupCounts(r *http.Request, list []*incident.Postmortem) (map[string]followupCount, error) {
	if s.Followups == nil {
		return nil, nil
	}
	out := make(map[string]followupCount, len(list))
	for _, pm := range list {
		items, err := s.Followups.Followups(r.Context(), pm.Key)
		if err != nil {
			return nil, err
		}
		var c followupCount
		c.Open, c.Done = incident.CountFollowups(items)
		out[pm.Key] = c
	}
	return out, nil
}

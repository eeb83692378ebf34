package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) {
	inc, docs, err := s.archived(r)
	if incident.ErrorKind(err) == incident.KindNotFound {
		s.noSuchIncident(w, r)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	events, err := s.Incidents.Timeline(r.Context(), inc.Key)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	jobs, err := s.Jobs.Jobs(r.Context(), inc.ID, "")
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	show := r.URL.Query().Get("show")
	if show != "people" && show != "system" {
		show = "all"
	}
	data := map[string]any{"Incident": inc, "Events": timelineView(inc, events, show), "Show": show, "Docs": docs, "Jobs": jobs,
		"Severities": incident.SeverityNames(), "HasCommander": commandExists("commander"),
		"LiveChannel": s.Chat != nil && inc.Channel.Backend == s.Chat.Backend() && inc.ArchivedAt == nil && !inc.Channel.Empty()}
	for _, d := range docs {
		if d.Format == "json" {
			var tv transcriptView
			if err := decodeDocument(r.Context(), d, &tv); err != nil {
				s.uiError(w, r, fmt.Errorf("read transcript of %s: %w", inc.Key, err))
				return
			}
			data["Transcript"] = tv.Messages
			data["TranscriptVerified"] = d.VerifiedAt
		}
	}
	s.render(w, r, "incident", inc.Key+" "+inc.Title, data)
}

// noSuchIncident is the page for a key nobody has: what a person can do
// next, rather than an API call to make.
func (s *Server) noSuchIncident(w http.ResponseWriter, r *http.Request) {
	key := "that incident"
	if id, perr := incident.ParseKey(chi.URLParam(r, "key")); perr == nil {
		key = incident.FormatKey(id) // the key as warroom writes it, not as the URL does
	}
	s.renderStatus(w, r, http.StatusNotFound, "error", "No such incident", errorView{
		Message: "There is no incident " + key + ". It may be a typo, or a number from another warroom.",
		Next: []link{{"/incidents", "See every incident, newest first"}, {"/incidents?status=open", "See the open incidents"},
			{"/incidents#declare", "Declare an incident"}},
	})
}

// pageActions are the commands the incident page's forms may run.
var pageActions = map[string]bool{"ack": true, "resolve": true, "close": true, "severity": true, "commander": true}

// incidentCommand runs an action of the incident page as the /incident
// command line it stands for, through the same RunCommand the chat uses,
// and shows the reply beside the actions.
func (s *Server) incidentCommand(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.Incidents.Get(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to := "/incidents/" + inc.Key + "#actions"
	command := strings.TrimSpace(r.PostFormValue("command"))
	if !pageActions[command] {
		s.answer(w, r, to, &reply{Typed: command, Failed: true, Text: "The incident page has no action " + fmt.Sprintf("%q", shorten(command, 40)) +
			": use Ack, Resolve, Close, Severity or Commander, or type any /incident command in the channel."}, "")
		return
	}
	line, problem := confirmClose(command, r)
	if problem != "" {
		s.answer(w, r, to, &reply{Typed: "Close", Text: problem, Failed: true}, "")
		return
	}
	if arg := strings.TrimSpace(r.PostFormValue("arg")); arg != "" && command != "close" {
		line += " " + arg
	}
	rp, err := s.Commands.RunCommand(r.Context(), incident.CommandRequest{Actor: s.uiUser(r), Text: "/incident " + line, IncidentKey: inc.Key})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.kick()
	s.answer(w, r, to, &reply{Typed: "/incident " + line, Text: rp.Text, Failed: rp.Failed}, "")
}

// commandExists reports whether /incident knows the command name (one
// another part may add, such as commander).
func commandExists(name string) bool {
	_, err := incident.ParseCommand("/incident " + name + " x")
	return err == nil
}

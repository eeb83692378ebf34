package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// commandRequest is the body of POST /api/v1/incidents/{key}/commands.
type commandRequest struct {
	Actor string `json:"actor"`
	Text  string `json:"text"`
}

// commandReply answers a command that ran.
type commandReply struct {
	Reply  string `json:"reply"`
	Public bool   `json:"public"`
}

// apiCommand runs any /incident command about the incident in the path as
// the actor the body names: the API token is the authority, as a chat
// backend's token is for its users. A command the person got wrong
// answers with the status of its kind and the reply as the message.
func (s *Server) apiCommand(w http.ResponseWriter, r *http.Request) {
	var req commandRequest
	if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if strings.TrimSpace(req.Text) == "" {
		s.writeError(w, r, incident.Errorf(incident.KindInvalid, `"text" is required: the command line, as typed after /incident (for example "ack" or "status rolling back")`))
		return
	}
	key := chi.URLParam(r, "key")
	if _, err := incident.ParseKey(key); err != nil {
		s.writeError(w, r, err)
		return
	}
	reply, err := s.Commands.RunCommand(r.Context(), incident.CommandRequest{Actor: actorOr(req.Actor), Text: req.Text, IncidentKey: key})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if reply.Failed {
		kind := reply.Kind
		if kind == "" {
			kind = incident.KindInvalid
		}
		s.writeError(w, r, &incident.Error{Kind: kind, Message: reply.Text})
		return
	}
	s.kick()
	writeJSON(w, http.StatusOK, commandReply{Reply: reply.Text, Public: reply.Public})
}

package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// Room is a live builtin channel as the UI shows it.
type Room struct {
	ID          string
	Name        string
	DisplayName string
	Header      string
	IncidentKey string
	Members     []string // usernames, in the order they were invited
	CreatedAt   time.Time
}

// Line is a message in a builtin channel.
type Line struct {
	ID       string
	ThreadID string
	Author   string
	Text     string
	At       time.Time
	Card     *incident.Card
	Files    []LineFile
}

// LineFile is a file attached to a Line.
type LineFile struct {
	ID   string
	Name string
	Type string
	Size int64
}

// BuiltinChat is what the channel pages need of the builtin chat backend.
// Room and Line return a KindNotFound error for what does not exist.
type BuiltinChat interface {
	Backend() string
	Rooms(ctx context.Context) ([]Room, error)
	Room(ctx context.Context, id string) (Room, error)
	Lines(ctx context.Context, roomID string) ([]Line, error)
	Line(ctx context.Context, roomID, id string) (Line, error)
	Say(ctx context.Context, roomID, author, text, threadID string, files ...incident.File) (Line, error)
	File(ctx context.Context, roomID, fileID string) (LineFile, []byte, error)
}

func (s *Server) channelsPage(w http.ResponseWriter, r *http.Request) {
	rooms, err := s.Chat.Rooms(r.Context())
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, "channels", "Channels", rooms)
}

func (s *Server) roomData(r *http.Request) (map[string]any, error) {
	room, err := s.Chat.Room(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	lines, err := s.Chat.Lines(r.Context(), room.ID)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Room": room, "Lines": lines}
	if sess := sessionOf(r); sess != nil {
		data["CSRF"] = sess.csrf // the log's forms (pin, buttons) carry it
	}
	var of *incident.Incident
	if inc, err := s.Incidents.ByChannel(r.Context(), s.Chat.Backend(), room.ID); err == nil {
		data["Incident"], of = inc, inc
	}
	data["People"] = channelPeople(of, room.Members)
	return data, nil
}

func (s *Server) channelPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.roomData(r)
	if incident.ErrorKind(err) == incident.KindNotFound {
		// Archived and deleted: send people to the incident's record.
		if inc, ierr := s.Incidents.ByChannel(r.Context(), s.Chat.Backend(), chi.URLParam(r, "id")); ierr == nil {
			s.flash(r, flashNotice, "#"+inc.Channel.Name+" was archived with "+inc.Key+" and deleted; its transcript is below.")
			http.Redirect(w, r, "/incidents/"+inc.Key, http.StatusSeeOther)
			return
		}
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, "channel", "#"+data["Room"].(Room).Name, data)
}

// channelLog is the message list alone, which the page polls.
func (s *Server) channelLog(w http.ResponseWriter, r *http.Request) {
	data, err := s.roomData(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, "channel_fragment", "", data)
}

// channelSay posts a message, or runs it when it is an /incident command.
// Commands are not stored as messages, as in Mattermost; their reply is
// shown to the person who typed them, in the log after what they typed.
func (s *Server) channelSay(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	id, user := chi.URLParam(r, "id"), s.uiUser(r)
	to := roomPath(id)
	files, err := uploadedFiles(r)
	if err == nil {
		err = checkCSRF(r)
	}
	if incident.ErrorKind(err) == incident.KindForbidden {
		s.fail(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	refuse := func(why string) {
		s.answer(w, r, to, &reply{Typed: shorten(text, 120), Text: why, Failed: true, Draft: text}, "")
	}
	if err != nil {
		refuse("Not sent: " + incident.ErrorMessage(err))
		return
	}
	if strings.HasPrefix(text, "/") {
		s.runCommand(w, r, id, user, text, text)
		return
	}
	if inc, err := s.Incidents.ByChannel(r.Context(), s.Chat.Backend(), id); err == nil && !inc.Status.Active() {
		refuse("Not sent: the incident is " + string(inc.Status) + ", so its channel is read-only while the transcript is archived.")
		return
	}
	if _, err := s.Chat.Say(r.Context(), id, user, text, r.PostFormValue("thread"), files...); err != nil {
		if statusOf(err) >= 500 {
			s.fail(w, r, err)
			return
		}
		refuse("Not sent: " + incident.ErrorMessage(err))
		return
	}
	s.answer(w, r, to, nil, "")
}

// channelButton runs the command behind a card's button. Close asks for a
// reason and a confirmation first, since it ends the channel.
func (s *Server) channelButton(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	command := strings.TrimSpace(r.PostFormValue("command"))
	label := r.PostFormValue("action")
	if label == "" {
		label = command
	}
	line, problem := confirmClose(command, r)
	if problem != "" {
		s.answer(w, r, roomPath(id), &reply{Typed: "Pressed " + label, Text: problem, Failed: true}, "")
		return
	}
	s.runCommand(w, r, id, s.uiUser(r), "/incident "+line, "Pressed "+label)
}

// confirmClose returns the command line of a button or page action; a
// close needs the form's reason and its confirmation, or problem says
// what is missing.
func confirmClose(command string, r *http.Request) (line, problem string) {
	if name, _, _ := strings.Cut(command, " "); name != "close" {
		return command, ""
	}
	reason := strings.Join(strings.Fields(r.PostFormValue("reason")), " ")
	if reason == "" || r.PostFormValue("confirm") != "yes" {
		return "", "Not closed: closing archives the transcript and then deletes the channel, so it needs a reason and your confirmation. Press Close, write the reason and confirm."
	}
	return "close " + reason, ""
}

// runCommand runs text as an /incident command typed (or pressed, typed
// being what the log echoes) in room roomID.
func (s *Server) runCommand(w http.ResponseWriter, r *http.Request, roomID, user, text, typed string) {
	to := roomPath(roomID)
	if !strings.HasPrefix(text, "/incident") {
		s.answer(w, r, to, &reply{Typed: shorten(typed, 120), Failed: true, Draft: text,
			Text: "Unknown command: the only slash command here is /incident (try /incident help)."}, "")
		return
	}
	rp, err := s.Commands.RunCommand(r.Context(), incident.CommandRequest{Backend: s.Chat.Backend(), ChannelID: roomID, Actor: user, Text: text})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.kick()
	out := &reply{Typed: shorten(typed, 120), Text: rp.Text, Failed: rp.Failed}
	if rp.Failed {
		out.Draft = text
		s.answer(w, r, to, out, "")
		return
	}
	if cmd, _ := incident.ParseCommand(text); cmd.Name == "close" {
		// The channel goes away once archived: continue on the incident page.
		if inc, err := s.Incidents.ByChannel(r.Context(), s.Chat.Backend(), roomID); err == nil {
			s.answer(w, r, to, out, "/incidents/"+inc.Key+"#actions")
			return
		}
	}
	s.answer(w, r, to, out, "")
}

func (s *Server) channelPin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	m, err := s.Chat.Line(r.Context(), id, chi.URLParam(r, "msg"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed := "Pin " + m.Author + "’s message “" + shorten(m.Text, 60) + "”"
	inc, err := s.Updates.Pin(r.Context(), s.Chat.Backend(), id, s.uiUser(r),
		incident.PinnedMessage{ID: m.ID, Author: m.Author, Text: m.Text, At: m.At})
	if err != nil {
		if statusOf(err) >= 500 {
			s.fail(w, r, err)
			return
		}
		s.answer(w, r, roomPath(id), &reply{Typed: typed, Text: "Not pinned: " + incident.ErrorMessage(err), Failed: true}, "")
		return
	}
	s.answer(w, r, roomPath(id), &reply{Typed: typed, Text: "Pinned to the timeline of " + inc.Key + "."}, "")
}

// roomPath is where a channel's forms send the person back to.
func roomPath(roomID string) string {
	return "/channels/" + url.PathEscape(roomID) + "#compose"
}

// maxUploadBytes bounds a message with its files.
const maxUploadBytes = 26 << 20

// uploadedFiles reads the files of a multipart message form.
func uploadedFiles(r *http.Request) ([]incident.File, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return nil, incident.Errorf(incident.KindInvalid, "the upload is too large or broken (%v); the limit is 25 MiB", err)
	}
	var out []incident.File
	for _, fh := range r.MultipartForm.File["file"] {
		f, err := fh.Open()
		if err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "read %s: %v", fh.Filename, err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "read %s: %v", fh.Filename, err)
		}
		if fh.Filename == "" && len(data) == 0 {
			continue // the empty file input of a text-only message
		}
		out = append(out, incident.File{Name: fh.Filename, Type: fh.Header.Get("Content-Type"), Data: data})
	}
	return out, nil
}

// channelFile serves a file of a builtin channel.
func (s *Server) channelFile(w http.ResponseWriter, r *http.Request) {
	f, data, err := s.Chat.File(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "file"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(f.Name, `"`, "")+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

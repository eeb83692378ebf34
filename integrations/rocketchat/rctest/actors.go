package rctest

import (
	"encoding/json"
	"fmt"
)

// act runs op as a person would in the web client, with s.mu held, then
// makes the outgoing webhook calls it caused before returning, so that a
// test sees the integration's reply as soon as the actor returns. It fails
// the test when Rocket.Chat would refuse what the person does.
func (s *Server) act(op func(f *fx) (string, error)) string {
	s.t.Helper()
	var f fx
	id, err := func() (string, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return op(&f)
	}()
	if err != nil {
		s.t.Fatalf("rctest: %v", err)
	}
	s.runNow(f.jobs)
	return id
}

// person and place look up an actor and a room by id or name. Called with
// s.mu held.
func (s *Server) person(username string) (*user, error) {
	if u := s.userByName(username); u != nil {
		return u, nil
	}
	return nil, fmt.Errorf("no user %q", username)
}

func (s *Server) place(roomIDOrName string) (*room, error) {
	if r := s.resolveChannel(roomIDOrName); r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("no room %q", roomIDOrName)
}

// PostAsUser posts text as username in the room (id or name), into the
// thread tmid when not empty, and returns the message id. Posting into a
// public channel joins it. When the text triggers the outgoing
// integration, the webhook is delivered — and its reply posted — before
// PostAsUser returns; see Deliveries.
func (s *Server) PostAsUser(username, roomID, text, tmid string) string {
	s.t.Helper()
	return s.act(func(f *fx) (string, error) {
		u, err := s.person(username)
		if err != nil {
			return "", err
		}
		r, err := s.place(roomID)
		if err != nil {
			return "", err
		}
		if len([]rune(text)) > s.opts.MaxMessageSize {
			return "", fmt.Errorf("message over %d characters", s.opts.MaxMessageSize)
		}
		s.joinPublic(u, r)
		m, err := s.send(f, u, r, draft{text: text, tmid: tmid})
		if err != nil {
			return "", fmt.Errorf("%s cannot post in %s: %v", username, r.name, err)
		}
		return m.id, nil
	})
}

// ReactAsUser clicks emoji (":eyes:" or "eyes") under the message as
// username: the reaction is added, or removed if that user had it. No
// webhook is sent, as in Rocket.Chat; the reaction shows in the message's
// reactions field.
func (s *Server) ReactAsUser(username, msgID, emoji string) {
	s.t.Helper()
	s.act(func(*fx) (string, error) {
		u, err := s.person(username)
		if err != nil {
			return "", err
		}
		m := s.msgs[msgID]
		if m == nil {
			return "", fmt.Errorf("no message %s", msgID)
		}
		return "", s.setReaction(u, m, emoji, nil)
	})
}

// UploadAsUser uploads a file as username into the room (id or name), as
// the web client does, and returns the id of the message that carries it.
// Its content type comes from the name's extension or the bytes.
func (s *Server) UploadAsUser(username, roomID, name string, data []byte) string {
	s.t.Helper()
	return s.act(func(f *fx) (string, error) {
		u, err := s.person(username)
		if err != nil {
			return "", err
		}
		r, err := s.place(roomID)
		if err != nil {
			return "", err
		}
		if int64(len(data)) > s.opts.MaxFileSize {
			return "", fmt.Errorf("file over %d bytes", s.opts.MaxFileSize)
		}
		file := s.storeFile(u, r, name, contentType(name, data), data)
		file.confirmed = true
		m, err := s.sendFile(f, u, r, file, "", "")
		if err != nil {
			return "", fmt.Errorf("%s cannot upload to %s: %v", username, r.name, err)
		}
		return m.id, nil
	})
}

// action is a legacy attachment button.
type action struct {
	Type           string `json:"type"`
	Text           string `json:"text"`
	URL            string `json:"url"`
	Msg            string `json:"msg"`
	InChatWindow   bool   `json:"msg_in_chat_window"`
	ProcessingType string `json:"msg_processing_type"`
}

// ClickActionAsUser clicks, as username, button number index (counting
// the actions of all the message's attachments in order) and returns the
// id of the message the click sends, or "" when it sends none. Legacy
// buttons call no webhook: a button with msg and msg_in_chat_window sends
// msg into the room as the clicking user (msg_processing_type
// "sendMessage", the default, sends it at once; "respondWithMessage" fills
// the composer, and the fake has the person press send), which reaches
// the outgoing integration like any message. A url button only opens a
// browser tab.
func (s *Server) ClickActionAsUser(username, msgID string, index int) string {
	s.t.Helper()
	return s.act(func(f *fx) (string, error) {
		u, err := s.person(username)
		if err != nil {
			return "", err
		}
		m := s.msgs[msgID]
		if m == nil {
			return "", fmt.Errorf("no message %s", msgID)
		}
		var actions []action
		for _, raw := range m.attachments {
			var a struct {
				Actions []action `json:"actions"`
			}
			_ = json.Unmarshal(raw, &a)
			actions = append(actions, a.Actions...)
		}
		if index < 0 || index >= len(actions) {
			return "", fmt.Errorf("message %s has %d buttons, no button %d", msgID, len(actions), index)
		}
		a := actions[index]
		if a.Msg == "" || !a.InChatWindow {
			return "", nil
		}
		r := s.roomByID(m.rid)
		s.joinPublic(u, r)
		sent, err := s.send(f, u, r, draft{text: a.Msg})
		if err != nil {
			return "", fmt.Errorf("%s cannot post in %s: %v", username, r.name, err)
		}
		return sent.id, nil
	})
}

package rctest

import "net/http"

// routes registers what the fake serves. Version-dependent upload routes
// are left out on servers that do not have them, so they answer 404 like
// any unknown method.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /api/info", s.info)
	s.route("POST", "login", false, s.login)
	s.route("GET", "me", true, s.me)
	s.route("GET", "users.info", true, s.usersInfo)

	for _, k := range []kind{channels, groups} {
		s.route("POST", k.prefix+".create", true, s.createRoom(k))
		s.route("GET", k.prefix+".info", true, s.roomInfo(k))
		s.route("POST", k.prefix+".invite", true, s.invite(k))
		s.route("GET", k.prefix+".members", true, s.members(k))
		s.route("POST", k.prefix+".setTopic", true, s.setRoomField(k, fieldTopic))
		s.route("POST", k.prefix+".setAnnouncement", true, s.setRoomField(k, fieldAnnouncement))
		s.route("POST", k.prefix+".setDescription", true, s.setRoomField(k, fieldDescription))
		s.route("POST", k.prefix+".setPurpose", true, s.setRoomField(k, fieldPurpose))
		s.route("POST", k.prefix+".archive", true, s.archive(k))
		s.route("POST", k.prefix+".unarchive", true, s.unarchive(k))
		s.route("POST", k.prefix+".delete", true, s.deleteRoom(k))
		s.route("GET", k.prefix+".history", true, s.history(k))
		s.route("GET", k.prefix+".messages", true, s.roomMessages(k))
	}
	s.route("GET", "rooms.info", true, s.roomsInfo)
	s.route("POST", "im.create", true, s.imCreate)
	if s.atLeast(5, 4, 0) {
		s.route("POST", "rooms.delete", true, s.roomsDelete)
	}

	s.route("POST", "chat.postMessage", true, s.postMessage)
	s.route("POST", "chat.sendMessage", true, s.sendMessage)
	s.route("POST", "chat.update", true, s.updateMessage)
	s.route("POST", "chat.delete", true, s.deleteMessage)
	s.route("GET", "chat.getMessage", true, s.getMessage)
	s.route("POST", "chat.pinMessage", true, s.pinMessage)
	s.route("POST", "chat.unPinMessage", true, s.unpinMessage)
	s.route("POST", "chat.react", true, s.react)
	s.route("GET", "chat.getThreadMessages", true, s.threadMessages)
	s.route("GET", "chat.syncMessages", true, s.syncMessages)

	if !s.atLeast(8, 0, 0) {
		s.route("POST", "rooms.upload/:rid", true, s.roomsUpload)
	}
	if s.hasMedia() {
		s.route("POST", "rooms.media/:rid", true, s.roomsMedia)
		s.route("POST", "rooms.mediaConfirm/:rid/:fileId", true, s.roomsMediaConfirm)
	}
	s.mux.HandleFunc("GET /file-upload/{id}/{name...}", s.download)

	// Anything else, including a known method with the wrong HTTP verb.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound())
	})
}

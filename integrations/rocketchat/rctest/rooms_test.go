package rctest_test

import (
	"slices"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

func TestCreateRooms(t *testing.T) {
	tests := []struct {
		prefix, key, wantType string
	}{
		{"channels", "channel", rctest.TypeChannel},
		{"groups", "group", rctest.TypeGroup},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			srv := rctest.New(t, rctest.Options{})
			c := botClient(t, srv)
			status, out := c.post("/api/v1/"+tt.prefix+".create", map[string]any{
				"name": "INC-142.db_latency", "members": []string{"alice", "ghost", "bob", "alice"},
				"extraData": map[string]any{"topic": "SEV2 orders-db"},
			})
			mustOK(t, status, out)
			if str(out, tt.key, "t") != tt.wantType || str(out, tt.key, "name") != "INC-142.db_latency" ||
				str(out, tt.key, "u", "username") != "warroom-bot" || str(out, tt.key, "topic") != "SEV2 orders-db" {
				t.Errorf("answer %v", out)
			}
			id := str(out, tt.key, "_id")
			if len(id) != 17 {
				t.Errorf("room id %q is not 17 characters", id)
			}
			v := srv.Room(id)
			if !slices.Equal(v.Members, []string{"warroom-bot", "alice", "bob"}) || !slices.Equal(v.Owners, []string{"warroom-bot"}) {
				t.Errorf("members %v owners %v", v.Members, v.Owners)
			}
			if v.Type != tt.wantType || srv.Room("INC-142.db_latency").ID != id {
				t.Errorf("view %+v", v)
			}
			status, out = c.get("/api/v1/" + tt.prefix + ".info?roomName=INC-142.db_latency")
			if mustOK(t, status, out); str(out, tt.key, "_id") != id || at(out, tt.key, "usersCount") != 3.0 {
				t.Errorf("info %v", out)
			}
		})
	}
}

func TestCreateRoomErrors(t *testing.T) {
	tests := []struct {
		name     string
		opts     rctest.Options
		prefix   string
		body     map[string]any
		status   int
		wantType string
		wantText string
	}{
		{"no name", rctest.Options{}, "channels", map[string]any{}, 400, "", `Param "name" is required`},
		{"group without name", rctest.Options{}, "groups", map[string]any{"name": ""}, 400, "", `Body param "name" is required`},
		{"space in name", rctest.Options{}, "channels", map[string]any{"name": "inc 142"}, 400, "error-invalid-room-name", "inc 142 is not a valid room name. [error-invalid-room-name]"},
		{"hash in name", rctest.Options{}, "groups", map[string]any{"name": "#inc"}, 400, "error-invalid-room-name", ""},
		{"taken by a channel", rctest.Options{}, "groups", map[string]any{"name": "taken"}, 400, "error-duplicate-channel-name", "A channel with name 'taken' exists [error-duplicate-channel-name]"},
		{"taken by an archived room", rctest.Options{}, "channels", map[string]any{"name": "old"}, 400, "error-archived-duplicate-name", ""},
		{"members not an array", rctest.Options{}, "channels", map[string]any{"name": "x", "members": "alice"}, 400, "", `Param "members" must be an array if provided`},
		{"no create-p, 6.x", rctest.Options{Permissions: map[string][]string{"create-p": {"admin"}}}, "groups", map[string]any{"name": "x"}, 403, "", "unauthorized"},
		{"no create-c, 8.x", rctest.Options{Version: "8.0.0", Permissions: map[string][]string{"create-c": {"admin"}}}, "channels", map[string]any{"name": "x"}, 403, "", "forbidden"},
		{"custom name rule", rctest.Options{NameRegex: `[a-z0-9-]+`}, "channels", map[string]any{"name": "Upper"}, 400, "error-invalid-room-name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := rctest.New(t, tt.opts)
			c := botClient(t, srv)
			if tt.status == 400 {
				createRoom(t, c, "channels", "taken")
				old := createRoom(t, c, "channels", "old")
				c.mustPost("/api/v1/channels.archive", map[string]any{"roomId": old})
			}
			status, out := c.post("/api/v1/"+tt.prefix+".create", tt.body)
			wantError(t, status, out, tt.status, tt.wantType)
			if tt.wantText != "" && out["error"] != tt.wantText {
				t.Errorf("error %q, want %q", out["error"], tt.wantText)
			}
			if tt.wantType == "error-duplicate-channel-name" && str(out, "details", "channel_name") != "taken" {
				t.Errorf("details %v", out["details"])
			}
		})
	}
}

func TestChannelsAndGroupsDoNotMix(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	group := createRoom(t, c, "groups", "secret")
	channel := createRoom(t, c, "channels", "open")
	alice := c.as("alice")
	tests := []struct {
		name     string
		c        *client
		path     string
		wantType string
	}{
		{"channels.info of a group", c, "/api/v1/channels.info?roomId=" + group, "error-room-not-found"},
		{"groups.info of a channel", c, "/api/v1/groups.info?roomId=" + channel, "error-room-not-found"},
		{"groups.info by a non-member", alice, "/api/v1/groups.info?roomId=" + group, "error-room-not-found"},
		{"groups.info without room", c, "/api/v1/groups.info", "error-room-param-not-provided"},
		{"channels.info without room", c, "/api/v1/channels.info", "error-room-not-found"},
		{"rooms.info by a non-member", alice, "/api/v1/rooms.info?roomId=" + group, "Not Allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.get(tt.path)
			wantError(t, status, out, 400, tt.wantType)
		})
	}
	status, out := alice.get("/api/v1/rooms.info?roomId=" + channel)
	if mustOK(t, status, out); str(out, "room", "name") != "open" {
		t.Errorf("rooms.info %v", out)
	}
}

func TestInvite(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	ch := createRoom(t, c, "channels", "ops")
	gr := createRoom(t, c, "groups", "priv")

	c.mustPost("/api/v1/channels.invite", map[string]any{"roomId": ch, "username": "alice"})
	c.mustPost("/api/v1/channels.invite", map[string]any{"roomId": ch, "userIds": []string{srv.User("bob").ID, srv.User("alice").ID}})
	status, out := c.post("/api/v1/groups.invite", map[string]any{"roomName": "priv", "usernames": []string{"bob", "nobody"}})
	if mustOK(t, status, out); at(out, "group", "usersCount") != 2.0 {
		t.Errorf("groups.invite answer %v", out)
	}
	if m := srv.Room(ch).Members; !slices.Equal(m, []string{"warroom-bot", "alice", "bob"}) {
		t.Errorf("members %v", m)
	}
	var added []string
	for _, m := range srv.Messages(ch) {
		if m.Type == "au" {
			added = append(added, m.Text+" by "+m.Author)
		}
	}
	if !slices.Equal(added, []string{"alice by warroom-bot", "bob by warroom-bot"}) {
		t.Errorf("au messages %v", added)
	}

	tests := []struct {
		name      string
		c         *client
		path      string
		body      map[string]any
		wantType  string
		wantError string
	}{
		// Rocket.Chat passes these two the other way round.
		{"channel, nobody", c, "channels.invite", map[string]any{"roomId": ch, "username": "nobody"}, "Cannot invite if no users are provided", "invalid-user-invite-list"},
		{"group, nobody", c, "groups.invite", map[string]any{"roomId": gr}, "error-empty-invite-list", ""},
		{"member without add-user", c.as("alice"), "channels.invite", map[string]any{"roomId": ch, "username": "bob"}, "error-not-allowed", ""},
		{"unknown room", c, "channels.invite", map[string]any{"roomId": "nope", "username": "bob"}, "error-room-not-found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.post("/api/v1/"+tt.path, tt.body)
			wantError(t, status, out, 400, tt.wantType)
			if tt.wantError != "" && out["error"] != tt.wantError {
				t.Errorf("error %v, want %q", out["error"], tt.wantError)
			}
		})
	}
}

func TestArchiveAndDelete(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "inc-1")
	post(t, c, id, "hello", nil)

	c.mustPost("/api/v1/channels.archive", map[string]any{"roomId": id})
	if v := srv.Room(id); !v.Archived {
		t.Fatalf("not archived: %+v", v)
	}
	tests := []struct {
		name     string
		c        *client
		method   string
		path     string
		body     map[string]any
		wantType string
	}{
		{"archive again", c, "POST", "channels.archive", map[string]any{"roomId": id}, "error-room-archived"},
		{"set topic", c, "POST", "channels.setTopic", map[string]any{"roomId": id, "topic": "x"}, "error-room-archived"},
		{"post", c, "POST", "chat.postMessage", map[string]any{"roomId": id, "text": "late"}, ""},
		{"unarchive without permission", c, "POST", "channels.unarchive", map[string]any{"roomId": id}, "error-not-authorized"},
		{"rooms.info refuses archived", c, "GET", "rooms.info?roomId=" + id, nil, "error-room-archived"},
		{"delete by non-owner", c.as("alice"), "POST", "channels.delete", map[string]any{"roomId": id}, "error-not-allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := tt.c.do(tt.method, "/api/v1/"+tt.path, tt.body, nil)
			wantError(t, resp.StatusCode, out, 400, tt.wantType)
		})
	}
	status, out := c.get("/api/v1/channels.info?roomId=" + id)
	if mustOK(t, status, out); at(out, "channel", "archived") != true {
		t.Errorf("info of archived: %v", out)
	}
	status, out = c.get("/api/v1/channels.history?roomId=" + id)
	if mustOK(t, status, out); len(at(out, "messages").([]any)) != 2 {
		t.Errorf("history of archived room: %v", out)
	}

	c.mustPost("/api/v1/channels.delete", map[string]any{"roomId": id})
	if v := srv.Room(id); !v.Deleted || srv.Messages(id) != nil {
		t.Errorf("after delete: %+v, %d messages", v, len(srv.Messages(id)))
	}
	status, out = c.get("/api/v1/channels.info?roomId=" + id)
	wantError(t, status, out, 400, "error-room-not-found")
	again := createRoom(t, c, "channels", "inc-1")
	if again == id || srv.Room("inc-1").ID != again {
		t.Errorf("name not free again after delete")
	}
	status, out = c.post("/api/v1/rooms.delete", map[string]any{"roomId": again})
	mustOK(t, status, out)
	status, out = c.post("/api/v1/rooms.delete", map[string]any{})
	wantError(t, status, out, 400, "")
}

package rctest_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// multipartBody is a form with one file part and text fields.
func multipartBody(t *testing.T, field, name string, data []byte, fields map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		part, err := w.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

func (c *client) upload(path, field, name string, data []byte, fields map[string]string) (int, map[string]any) {
	c.t.Helper()
	body, ct := multipartBody(c.t, field, name, data, fields)
	resp, out := c.do("POST", path, body, map[string]string{"Content-Type": ct})
	return resp.StatusCode, out
}

func TestUploadsByServerVersion(t *testing.T) {
	tests := []struct {
		name       string
		opts       rctest.Options
		media, old int // status of rooms.media and rooms.upload
	}{
		{"6.10 has both", rctest.Options{Version: "6.10.0"}, 200, 200},
		{"5.4 has only rooms.upload", rctest.Options{Version: "5.4.0"}, 404, 200},
		{"8.0 dropped rooms.upload", rctest.Options{Version: "8.0.0"}, 200, 404},
		{"media forced off", rctest.Options{Version: "7.2.0", Media: rctest.MediaOff}, 404, 200},
		{"media forced on", rctest.Options{Version: "6.2.0", Media: rctest.MediaOn}, 200, 200},
	}
	data := []byte("# Timeline\n09:21 alert fired\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := rctest.New(t, tt.opts)
			c := botClient(t, srv)
			id := createRoom(t, c, "groups", "inc-13")

			status, out := c.upload("/api/v1/rooms.media/"+id, "file", "timeline.md", data, map[string]string{"msg": "ignored"})
			if status != tt.media {
				t.Fatalf("rooms.media: %d %v, want %d", status, out, tt.media)
			}
			if status == 200 {
				fid := str(out, "file", "_id")
				if str(out, "file", "url") != "/file-upload/"+fid+"/timeline.md" {
					t.Errorf("rooms.media answer %v", out)
				}
				if n := len(srv.Messages(id)); n != 0 {
					t.Errorf("rooms.media alone posted %d messages", n)
				}
				confirmed := c.mustPost("/api/v1/rooms.mediaConfirm/"+id+"/"+fid, map[string]any{"msg": "the timeline", "description": "exported"})
				mid := str(confirmed, "message", "_id")
				v := srv.Message(mid)
				if v.Text != "the timeline" || len(v.Files) != 1 || !bytes.Equal(v.Files[0].Data, data) || !v.Files[0].Confirmed {
					t.Errorf("confirmed message %+v", v)
				}
				if str(confirmed, "message", "file", "_id") != fid || str(confirmed, "message", "attachments", 0, "description") != "exported" {
					t.Errorf("confirm answer %v", confirmed)
				}
			}
			status, out = c.upload("/api/v1/rooms.upload/"+id, "file", "graph.png", []byte("\x89PNG\r\n\x1a\n"), map[string]string{"msg": "latency graph"})
			if status != tt.old {
				t.Fatalf("rooms.upload: %d %v, want %d", status, out, tt.old)
			}
			if status == 200 {
				if str(out, "message", "msg") != "latency graph" || str(out, "message", "file", "type") != "image/png" ||
					str(out, "message", "attachments", 0, "image_url") == "" {
					t.Errorf("rooms.upload answer %v", out)
				}
			}
			if status == 404 && out["error"] != "Resource not found" {
				t.Errorf("404 body %v", out)
			}
		})
	}
}

func TestUploadErrors(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), MaxFileSize: 10})
	c := botClient(t, srv)
	id := createRoom(t, c, "groups", "inc-14")
	status, out := c.as("alice").upload("/api/v1/rooms.media/"+id, "file", "a.txt", []byte("x"), nil)
	wantError(t, status, out, 403, "")
	status, out = c.upload("/api/v1/rooms.media/nope", "file", "a.txt", []byte("x"), nil)
	wantError(t, status, out, 403, "")

	tests := []struct {
		name, path, field, file string
		data                    []byte
		wantType                string
	}{
		{"wrong field", "rooms.media", "attachment", "a.txt", []byte("x"), "invalid-field"},
		{"no file", "rooms.media", "", "", nil, "error-no-file"},
		{"too large", "rooms.media", "file", "big.bin", bytes.Repeat([]byte("x"), 11), "error-file-too-large"},
		{"too large, old flow", "rooms.upload", "file", "big.bin", bytes.Repeat([]byte("x"), 11), "error-file-too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := c.upload("/api/v1/"+tt.path+"/"+id, tt.field, tt.file, tt.data, map[string]string{"msg": "x"})
			wantError(t, status, out, 400, tt.wantType)
		})
	}

	// Only the uploader's file, in the room it was uploaded to, confirms.
	other := createRoom(t, c, "groups", "inc-15", "alice")
	status, out = c.upload("/api/v1/rooms.media/"+id, "file", "a.txt", []byte("x"), nil)
	fid := str(mustOK(t, status, out), "file", "_id")
	status, out = c.post("/api/v1/rooms.mediaConfirm/"+other+"/"+fid, map[string]any{"msg": ""})
	wantError(t, status, out, 400, "invalid-file")
	status, out = c.post("/api/v1/rooms.mediaConfirm/"+id+"/nope", map[string]any{})
	wantError(t, status, out, 400, "invalid-file")
}

func TestDownload(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	id := createRoom(t, c, "groups", "inc-16")
	data := []byte("pod logs\n")
	mid := srv.UploadAsUser("warroom-bot", id, "pod logs.txt", data)
	status, out := c.get("/api/v1/chat.getMessage?msgId=" + mid)
	link := srv.URL() + str(mustOK(t, status, out), "message", "attachments", 0, "title_link")

	get := func(url string, headers map[string]string) (int, []byte) {
		req, _ := http.NewRequest("GET", url, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	bot := srv.Bot()
	tests := []struct {
		name    string
		url     string
		headers map[string]string
		want    int
	}{
		{"headers", link, map[string]string{"X-User-Id": bot.ID, "X-Auth-Token": bot.Token}, 200},
		{"query", link + "?rc_uid=" + bot.ID + "&rc_token=" + bot.Token, nil, 200},
		{"cookies", link, map[string]string{"Cookie": "rc_uid=" + bot.ID + "; rc_token=" + bot.Token}, 200},
		{"anonymous", link, nil, 403},
		{"not a member", link, map[string]string{"X-User-Id": srv.User("alice").ID, "X-Auth-Token": "alice-token"}, 403},
		{"unknown file", srv.URL() + "/file-upload/nope/x.txt", map[string]string{"X-User-Id": bot.ID, "X-Auth-Token": bot.Token}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(tt.url, tt.headers)
			if status != tt.want || (tt.want == 200 && !bytes.Equal(body, data)) {
				t.Errorf("%d %q, want %d", status, body, tt.want)
			}
		})
	}
}

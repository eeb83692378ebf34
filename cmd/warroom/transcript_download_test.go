package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTranscriptLargeDownloadIntact archives an incident whose transcript
// spans many of the store's 256 KiB chunks and whose copied file is 4 MiB,
// then downloads each through the API and the UI: every byte arrives, in
// order, with the length and the SHA-256 the archive verified.
func TestTranscriptLargeDownloadIntact(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	var room string
	h.waitFor("the channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	file := make([]byte, 4<<20)
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range file {
		file[i] = byte(rng.Uint32())
	}
	var last []string
	for m := range 80 { // 16 KiB a message at most
		var text strings.Builder
		for line := 0; text.Len() < 15<<10; line++ {
			fmt.Fprintf(&text, "message %d line %d: %x\n", m, line, rng.Uint64())
		}
		last = append(last, strings.TrimSpace(text.String()[strings.LastIndex(strings.TrimSpace(text.String()), "\n")+1:]))
		name, data := "note.txt", []byte("n")
		if m == 40 {
			name, data = "capture.bin", file
		}
		if code := h.upload("/channels/"+room, text.String(), name, data); code != http.StatusSeeOther {
			t.Fatalf("message %d: %d", m, code)
		}
	}
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"})
	h.waitStatus("INC-1", "archived")

	get := func(path string, auth bool) []byte {
		t.Helper()
		req, _ := http.NewRequest("GET", h.URL+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+testAPIToken)
		}
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d, %v: %.200s", path, resp.StatusCode, err, body)
		}
		sum := sha256.Sum256(body)
		if got := resp.Header.Get("X-Warroom-SHA256"); got != hex.EncodeToString(sum[:]) {
			t.Fatalf("GET %s: %d bytes with SHA-256 %x; the archive verified %s", path, len(body), sum, got)
		}
		if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n != len(body) {
			t.Fatalf("GET %s: Content-Length %q for %d bytes", path, resp.Header.Get("Content-Length"), len(body))
		}
		return body
	}
	for _, format := range []string{"md", "json"} {
		body := get("/api/v1/incidents/INC-1/transcript?format="+format, true)
		if len(body) < 1<<20 {
			t.Fatalf("%s transcript is %d bytes: too small to span many chunks", format, len(body))
		}
		for _, want := range last {
			if !bytes.Contains(body, []byte(want)) {
				t.Errorf("%s transcript lacks %q", format, want)
			}
		}
		if ui := get("/incidents/INC-1/transcript."+format, false); !bytes.Equal(ui, body) {
			t.Errorf("the UI's %s download differs from the API's", format)
		}
	}
	md := get("/api/v1/incidents/INC-1/transcript?format=md", true)
	name := regexp.MustCompile(`INC-1-files/[^\s)]*capture\.bin`).Find(md)
	if name == nil {
		t.Fatalf("the transcript does not name the copied file")
	}
	if got := get("/incidents/INC-1/documents/"+string(name), false); !bytes.Equal(got, file) {
		t.Fatalf("%s: %d bytes served, not the %d uploaded", name, len(got), len(file))
	}
}

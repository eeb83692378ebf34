package jiratest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func TestPostAttachmentAndDownload(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	content := "# Timeline\n\n- 10:00 paged\n"

	list, resp, err := c.Issue.PostAttachment(key, strings.NewReader(content), "timeline.md")
	must(t, err)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200 (not 201)", resp.StatusCode)
	}
	if len(*list) != 1 {
		t.Fatalf("answer has %d attachments, want 1", len(*list))
	}
	a := (*list)[0]
	wantContent := srv.URL() + "/secure/attachment/" + a.ID + "/timeline.md"
	if a.Filename != "timeline.md" || a.Size != len(content) || a.MimeType != "text/markdown" ||
		a.Content != wantContent || a.Author.Name != "incident-bot" {
		t.Errorf("attachment = %+v", a)
	}

	// Metadata, the issue's attachment field, and both download URLs.
	resp2, body := call(t, srv, "GET", "/rest/api/2/attachment/"+a.ID, nil, nil)
	var meta jira.Attachment
	must(t, json.Unmarshal(body, &meta))
	if resp2.StatusCode != http.StatusOK || meta.Filename != "timeline.md" || meta.Size != len(content) {
		t.Errorf("metadata %d %+v", resp2.StatusCode, meta)
	}
	is, _, err := c.Issue.Get(key, nil)
	must(t, err)
	if len(is.Fields.Attachments) != 1 || is.Fields.Attachments[0].Content != wantContent {
		t.Errorf("issue attachments = %+v", is.Fields.Attachments)
	}
	dl, err := c.Issue.DownloadAttachment(a.ID)
	must(t, err)
	got, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if string(got) != content {
		t.Errorf("DownloadAttachment = %q", got)
	}
	resp3, got := call(t, srv, "GET", strings.TrimPrefix(a.Content, srv.URL()), nil, nil)
	if resp3.StatusCode != http.StatusOK || string(got) != content || resp3.Header.Get("Content-Type") != "text/markdown" {
		t.Errorf("content URL: %d %q %q", resp3.StatusCode, resp3.Header.Get("Content-Type"), got)
	}
	v := srv.Issue(key)
	if len(v.Attachments) != 1 || string(v.Attachments[0].Data) != content {
		t.Errorf("view attachments = %+v", v.Attachments)
	}
}

// multipartBody builds a multipart body with one part per name → content.
func multipartBody(t *testing.T, parts ...[2]string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		fw, err := w.CreateFormFile(p[0], p[0]+".txt")
		must(t, err)
		_, _ = fw.Write([]byte(p[1]))
	}
	must(t, w.Close())
	return &b, w.FormDataContentType()
}

func TestAttachmentRules(t *testing.T) {
	tests := []struct {
		name     string
		parts    [][2]string
		xsrf     string // X-Atlassian-Token; "" sends none
		status   int
		json     bool // error body is Jira's JSON
		attached int
	}{
		{"documented token value", [][2]string{{"file", "a"}}, "no-check", 200, true, 1},
		{"go-jira's token value", [][2]string{{"file", "a"}}, "nocheck", 200, true, 1},
		{"no XSRF header", [][2]string{{"file", "a"}}, "", 403, false, 0},
		{"several file parts", [][2]string{{"file", "a"}, {"file", "b"}}, "no-check", 200, true, 2},
		{"other part names ignored", [][2]string{{"note", "x"}, {"file", "a"}}, "no-check", 200, true, 1},
		{"no file part", [][2]string{{"attachment", "a"}}, "no-check", 400, true, 0},
		{"over the limit", [][2]string{{"file", strings.Repeat("x", 101)}}, "no-check", 413, true, 0},
		{"exactly the limit", [][2]string{{"file", strings.Repeat("x", 100)}}, "no-check", 200, true, 1},
		{"one of several over the limit", [][2]string{{"file", "a"}, {"file", strings.Repeat("x", 101)}}, "no-check", 413, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := jiratest.New(t, jiratest.Options{MaxAttachmentBytes: 100})
			key := createIssue(t, newClient(t, srv), "s")
			body, ct := multipartBody(t, tt.parts...)
			resp, got := call(t, srv, "POST", "/rest/api/2/issue/"+key+"/attachments", body,
				map[string]string{"Content-Type": ct, "X-Atlassian-Token": tt.xsrf})
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, got)
			}
			switch {
			case tt.status == 200:
				var list []jira.Attachment
				must(t, json.Unmarshal(got, &list))
				if len(list) != tt.attached {
					t.Errorf("answer lists %d attachments, want %d", len(list), tt.attached)
				}
			case tt.json:
				errorBody(t, resp, got)
			case tt.status == 403 && !strings.Contains(string(got), "XSRF check failed"):
				t.Errorf("403 body %q", got)
			}
			if n := len(srv.Issue(key).Attachments); n != tt.attached {
				t.Errorf("issue has %d attachments, want %d", n, tt.attached)
			}
		})
	}
}

func TestPostAttachmentTooLargeThroughGoJira(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{MaxAttachmentBytes: 1 << 10})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	_, resp, err := c.Issue.PostAttachment(key, bytes.NewReader(make([]byte, 1<<20)), "big.bin")
	if resp == nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("resp %v err %v, want 413", resp, err)
	}
	if je := jiraError(t, err); len(je.ErrorMessages) == 0 {
		t.Errorf("413 without errorMessages")
	}
}

func TestAttachmentNotFound(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	for _, path := range []string{"/rest/api/2/attachment/777", "/secure/attachment/777/x.md"} {
		if resp, _ := call(t, srv, "GET", path, nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
}

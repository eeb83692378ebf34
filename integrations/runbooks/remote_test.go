package runbooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFirstSection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/latency.md":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("---\nowner: sre\n---\n# Checkout latency\n\nCheck the pods first.\n\n## Details\n\nLong text.\n# Appendix\n"))
		case "/typed":
			w.Header().Set("Content-Type", "text/markdown")
			w.Write([]byte("# Disk full\n1. Find big files\n### Deep\nstill first section\n# Next\nno"))
		case "/page.html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<h1>Wiki</h1>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f := Fetcher{HTTP: srv.Client()}
	tests := []struct {
		path, title string
		has, lacks  []string
		ok          bool
	}{
		{"/latency.md", "Checkout latency", []string{"Check the pods first.", "## Details", "Long text.", "[The whole runbook]("}, []string{"owner: sre", "Appendix"}, true},
		{"/typed", "Disk full", []string{"1. Find big files", "### Deep", "still first section"}, []string{"no"}, true},
		{"/page.html", "", nil, nil, false},
		{"/missing.md", "", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rb, ok := f.FirstSection(context.Background(), srv.URL+tt.path)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if rb.Title != tt.title {
				t.Errorf("title %q, want %q", rb.Title, tt.title)
			}
			for _, h := range tt.has {
				if !strings.Contains(rb.Body, h) {
					t.Errorf("body lacks %q:\n%s", h, rb.Body)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(strings.ReplaceAll(rb.Body, "[The whole runbook]", ""), "\n"+l) {
					t.Errorf("body has %q:\n%s", l, rb.Body)
				}
			}
		})
	}
	if _, ok := f.FirstSection(context.Background(), "ftp://x/y.md"); ok {
		t.Error("a non-HTTP link is fetched")
	}
}

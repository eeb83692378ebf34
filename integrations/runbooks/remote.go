package runbooks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// maxRemoteBytes bounds what is read of a runbook link.
const maxRemoteBytes = 256 << 10

// Fetcher reads the first section of a Markdown runbook behind a link.
type Fetcher struct {
	HTTP *http.Client
}

// FirstSection fetches u and returns its title and first section when it
// is Markdown (by its type, or its .md name). Anything else — HTML pages,
// errors, timeouts — is ok=false: the link alone is posted.
func (f Fetcher) FirstSection(ctx context.Context, u string) (incident.Runbook, bool) {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") {
		return incident.Runbook{}, false
	}
	client := f.HTTP
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return incident.Runbook{}, false
	}
	req.Header.Set("Accept", "text/markdown, text/plain;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return incident.Runbook{}, false
	}
	defer resp.Body.Close()
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	isMD := ctype == "text/markdown" || ctype == "text/x-markdown" ||
		(strings.HasSuffix(strings.ToLower(parsed.Path), ".md") && (ctype == "text/plain" || ctype == "application/octet-stream" || ctype == ""))
	if resp.StatusCode != http.StatusOK || !isMD {
		return incident.Runbook{}, false
	}
	title, body := firstSection(io.LimitReader(resp.Body, maxRemoteBytes))
	if strings.TrimSpace(body) == "" && title == "" {
		return incident.Runbook{}, false
	}
	if title == "" {
		title = path.Base(parsed.Path)
	}
	return incident.Runbook{Name: u, Title: title, Body: strings.TrimSpace(body) + fmt.Sprintf("\n\n[The whole runbook](%s)", u)}, true
}

// firstSection reads a Markdown document's first heading (the title) and
// the text up to the next heading of the same or a higher level, skipping
// front matter.
func firstSection(r io.Reader) (title, body string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxRemoteBytes)
	var b strings.Builder
	level, inFront, first := 0, false, true
	for sc.Scan() {
		line := sc.Text()
		if first && strings.TrimSpace(line) == "---" {
			inFront, first = true, false
			continue
		}
		first = false
		if inFront {
			if strings.TrimSpace(line) == "---" {
				inFront = false
			}
			continue
		}
		if h := headingLevel(line); h > 0 {
			switch {
			case title == "" && b.Len() == 0:
				title, level = strings.TrimSpace(strings.TrimLeft(line, "#")), h
				continue
			case h <= level || level == 0:
				return title, b.String()
			}
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return title, b.String()
}

func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n == len(line) || line[n] != ' ' {
		return 0
	}
	return n
}

package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/warroom/warroom/archive"
)

// serveDocument streams one stored document to the client, chunk by chunk
// as the store holds it: nothing of it is held whole in memory. The headers
// (type, length, the SHA-256 it was verified with) go out first; an error
// before the first byte is an error answer, one after it (the client went
// away, the store failed) can only cut the answer short, and is logged.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request, d archive.Stored, disposition string) {
	rc, err := d.Open(r.Context())
	if err != nil {
		s.writeError(w, r, fmt.Errorf("open %s: %w", d.Name, err))
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Warroom-SHA256", d.SHA256)
	n, err := io.Copy(w, rc)
	if err == nil && n != d.Size {
		err = fmt.Errorf("%d bytes stored, %d recorded", n, d.Size)
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "document download cut short", "document", d.Name, "sent", n, "size", d.Size, "error", err)
	}
}

// decodeDocument decodes a stored JSON document from its stream into v.
func decodeDocument(ctx context.Context, d archive.Stored, v any) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	return json.NewDecoder(rc).Decode(v)
}

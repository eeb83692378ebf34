package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/warroom/warroom/incident"
)

// Idempotency keeps the requests made with an Idempotency-Key and their
// answers (incident.Idempotency holds the rules).
type Idempotency interface {
	// Begin reserves key for the request, returning the reservation and
	// true when it is new, or the kept request, done, whose answer to give
	// back; KindInvalid, KindUnprocessable or KindConflict refuse it.
	Begin(ctx context.Context, caller, key, method, path string, body []byte) (incident.IdempotentRequest, bool, error)
	// Finish stores the answer of a reservation (or frees its key).
	Finish(ctx context.Context, r incident.IdempotentRequest, status int, body []byte, location string)
}

// idempotencyHeader names the request header, replayedHeader the answer's
// header that says an answer is the one kept from the first request.
const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
)

// idempotent makes a POST or PATCH of the API that carries an
// Idempotency-Key run once: the first answer is kept and given back to
// each retry with the same key, method, path and body. Without the header
// a request runs as it always did. It comes after apiAuth, so that the
// caller is known and a refused request keeps nothing.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values, ok := r.Header[idempotencyHeader]
		if !ok || (r.Method != http.MethodPost && r.Method != http.MethodPatch) {
			next.ServeHTTP(w, r)
			return
		}
		if s.Idempotency == nil {
			s.writeError(w, r, incident.Errorf(incident.KindInvalid, "this server keeps no Idempotency-Key: send the request without one"))
			return
		}
		if len(values) != 1 {
			s.writeError(w, r, incident.Errorf(incident.KindInvalid, "send one Idempotency-Key header, not %d", len(values)))
			return
		}
		key, err := incident.ParseIdempotencyKey(values[0])
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		body, err := readBody(r, s.cfg.MaxBodyBytes)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		path := r.URL.Path
		if r.URL.RawQuery != "" {
			path += "?" + r.URL.RawQuery
		}
		res, fresh, err := s.Idempotency.Begin(r.Context(), s.tokenFP(), key, r.Method, path, body)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !fresh {
			replay(w, res)
			return
		}
		// The answer is kept before it is sent: a client that loses it
		// gets it on its retry. A handler that panics leaves the key
		// running (its outcome is not known) for the recoverer to answer.
		rec := &keptAnswer{header: http.Header{}}
		next.ServeHTTP(rec, r)
		status := rec.code()
		s.Idempotency.Finish(context.WithoutCancel(r.Context()), res, status, rec.body.Bytes(), rec.header.Get("Location"))
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		w.Write(rec.body.Bytes())
	})
}

// replay answers with the kept answer of the first request.
func replay(w http.ResponseWriter, res incident.IdempotentRequest) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set(replayedHeader, "true")
	if res.Location != "" {
		w.Header().Set("Location", res.Location)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(res.Body)))
	w.WriteHeader(res.Status)
	w.Write(res.Body)
}

// keptAnswer holds a handler's answer until it is stored.
type keptAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *keptAnswer) Header() http.Header { return a.header }

func (a *keptAnswer) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

func (a *keptAnswer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(p)
}

// code is the answer's status: 200 when the handler wrote none.
func (a *keptAnswer) code() int {
	if a.status == 0 {
		return http.StatusOK
	}
	return a.status
}

package main

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/integrations/alertmanager"
)

// serveFloor serves the floor of the hook path on a loopback port: the same
// chi route with its bearer token (no header at all when token is empty),
// the body read and decoded into the same
// structs by the same decoder, then 202 and nothing stored. It returns the
// base URL and a function that stops it.
func serveFloor(token string) (string, func(), error) {
	r := chi.NewRouter()
	r.Post("/hooks/alertmanager", func(w http.ResponseWriter, req *http.Request) {
		want := ""
		if token != "" {
			want = "Bearer " + token
		}
		if subtle.ConstantTimeCompare([]byte(req.Header.Get("Authorization")), []byte(want)) != 1 {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
		if err == nil {
			_, err = alertmanager.Decode(body)
		}
		if err != nil {
			http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"status":"accepted"}`+"\n")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen for the floor handler: %w", err)
	}
	srv := &http.Server{Handler: r}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

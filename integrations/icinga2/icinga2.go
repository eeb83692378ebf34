// Package icinga2 makes Icinga 2 an alert source: it follows the API's
// event stream (HARD state changes and acknowledgements), reconnecting with
// backoff and resyncing the problems it may have missed, takes a
// notification script's JSON on POST /hooks/icinga2, and acknowledges
// problems in Icinga 2 when the incident is acked in warroom.
package icinga2

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// Source is the name alert groups from Icinga 2 carry.
const Source = "icinga2"

// Client talks to Icinga 2's REST API.
type Client struct {
	cfg    Config
	http   *http.Client // requests
	stream *http.Client // the event stream: no overall timeout
	log    *slog.Logger
	// noDowntimeEvents is set once the stream refused the downtime types.
	noDowntimeEvents atomic.Bool
}

// New builds the client; it does not call Icinga 2.
func New(cfg Config, log *slog.Logger) (*Client, error) {
	if err := errors.Join(cfg.required()...); err != nil {
		return nil, fmt.Errorf("sources.icinga2: %w", err)
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Queue == "" {
		host, _ := os.Hostname()
		cfg.Queue = "warroom-" + host
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.ServerName}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("sources.icinga2.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("sources.icinga2.ca_file %s holds no PEM certificate", cfg.CAFile)
		}
		tlsCfg.RootCAs = pool
	}
	transport := &http.Transport{TLSClientConfig: tlsCfg, ResponseHeaderTimeout: 30 * time.Second}
	return &Client{cfg: cfg, log: log,
		http:   &http.Client{Transport: transport, Timeout: 30 * time.Second},
		stream: &http.Client{Transport: transport}}, nil
}

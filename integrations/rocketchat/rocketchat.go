// Package rocketchat is warroom's Rocket.Chat chat backend: a small REST
// client for API v1 (the official Go SDK is unmaintained) that opens and
// keeps incident rooms, posts and edits messages, uploads files on old and
// new servers, reads the whole history for the transcript, and takes the
// outgoing-webhook integration's "!incident ..." messages. Rocket.Chat's
// wire types stay inside this package.
package rocketchat

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
)

// Name is the backend's name in config and in channel references.
const Name = "rocketchat"

// Delete modes.
const (
	DeletePermanent = "permanent"
	DeleteArchive   = "archive"
	DeleteKeep      = "keep"
)

// Backend is the Rocket.Chat chat backend.
type Backend struct {
	cfg  Config
	http *http.Client
	log  *slog.Logger

	mu      sync.Mutex
	version string // the server's version, once read
	media   *bool  // whether rooms.media exists; nil until known
	botName string
}

// New builds the backend; it does not call Rocket.Chat.
func New(cfg Config, log *slog.Logger, httpClient *http.Client) (*Backend, error) {
	if err := errors.Join(cfg.required()...); err != nil {
		return nil, fmt.Errorf("chat.rocketchat: %w", err)
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	cfg = cfg.withDefaults()
	cfg.PinEmoji = strings.Trim(cfg.PinEmoji, ":")
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return &Backend{cfg: cfg, http: httpClient, log: log}, nil
}

// Backend names the backend.
func (b *Backend) Backend() string { return Name }

// PinEmoji is the reaction that pins a message.
func (b *Backend) PinEmoji() string { return b.cfg.PinEmoji }

// kind is the API family of the configured room type.
func (b *Backend) kind() string {
	if b.cfg.Private {
		return "groups"
	}
	return "channels"
}

// Package rocketchat is warroom's Rocket.Chat chat backend: a small REST
// client for API v1 (the official Go SDK is unmaintained) that opens and
// keeps incident rooms, posts and edits messages, uploads files on old and
// new servers, reads the whole history for the transcript, and takes the
// outgoing-webhook integration's "!incident ..." messages. Rocket.Chat's
// wire types stay inside this package.
package rocketchat

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
)

// Name is the backend's name in config and in channel references.
const Name = "rocketchat"

// Config is chat.rocketchat in warroom's config.
type Config struct {
	URL          string   // the server's base URL
	UserID       string   // the bot user's id (X-User-Id)
	Token        string   // its personal access token (X-Auth-Token)
	WebhookToken string   // the outgoing integration's token; other tokens get 401
	Trigger      string   // the trigger word the integration matches (default !incident)
	Delete       string   // permanent, archive or keep (default archive)
	Private      bool     // open private groups instead of public channels
	Invite       []string // usernames added to every incident room
	PinEmoji     string   // reaction that pins a message to the timeline (default pushpin)
	MaxFileBytes int64    // files up to this size are copied into the archive (default 10 MiB)
	PublicURL    string   // warroom's public URL, for links
}

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
	if cfg.URL == "" || cfg.UserID == "" || cfg.Token == "" {
		return nil, fmt.Errorf("chat.rocketchat needs url, user_id and token")
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Delete == "" {
		cfg.Delete = DeleteArchive
	}
	switch cfg.Delete {
	case DeletePermanent, DeleteArchive, DeleteKeep:
	default:
		return nil, fmt.Errorf("chat.rocketchat.delete is %q: use permanent, archive or keep", cfg.Delete)
	}
	if cfg.Trigger == "" {
		cfg.Trigger = "!incident"
	}
	if cfg.PinEmoji == "" {
		cfg.PinEmoji = "pushpin"
	}
	cfg.PinEmoji = strings.Trim(cfg.PinEmoji, ":")
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = 10 << 20
	}
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

package rocketchat

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config is chat.rocketchat in warroom's config. Validate checks it; each
// problem is one error whose text starts with the key it is about.
type Config struct {
	URL          string        `yaml:"url"`            // the server's base URL
	UserID       string        `yaml:"user_id"`        // the bot user's id (X-User-Id)
	Token        string        `yaml:"token"`          // its personal access token (X-Auth-Token)
	WebhookToken string        `yaml:"webhook_token"`  // the outgoing integration's token; other tokens get 401
	Trigger      string        `yaml:"trigger"`        // the trigger word the integration matches (default !incident)
	Delete       string        `yaml:"delete"`         // permanent, archive or keep (default archive)
	Private      bool          `yaml:"private"`        // open private groups instead of public channels
	Invite       []string      `yaml:"invite"`         // usernames added to every incident room
	PinEmoji     string        `yaml:"pin_emoji"`      // reaction that pins a message to the timeline (default pushpin)
	PinPoll      time.Duration `yaml:"pin_poll"`       // how often live rooms are checked for pin reactions (Watch)
	MaxFileBytes int64         `yaml:"max_file_bytes"` // files up to this size are copied into the archive (default 10 MiB)
	PublicURL    string        `yaml:"-"`              // warroom's public URL, for links
}

// DefaultConfig is chat.rocketchat when the config says nothing.
func DefaultConfig() Config {
	return Config{Trigger: "!incident", Delete: DeleteArchive, PinEmoji: "pushpin", PinPoll: 15 * time.Second, MaxFileBytes: 10 << 20}
}

// withDefaults fills the keys left empty from DefaultConfig (PinPoll is
// the caller's, through Watch).
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	if c.Delete == "" {
		c.Delete = def.Delete
	}
	if c.Trigger == "" {
		c.Trigger = def.Trigger
	}
	if c.PinEmoji == "" {
		c.PinEmoji = def.PinEmoji
	}
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = def.MaxFileBytes
	}
	return c
}

// Validate reports every problem of a config that warroom is to run with,
// each as one error "key: what to do", joined.
func (c Config) Validate() error {
	errs := c.required()
	if c.WebhookToken == "" {
		errs = append(errs, errors.New("webhook_token: empty; without it anyone who reaches warroom could run !incident as anyone. "+
			"Give the token of the outgoing webhook integration (Administration > Integrations > Outgoing)"))
	}
	if strings.TrimSpace(c.Trigger) == "" || strings.ContainsAny(c.Trigger, " \t") {
		errs = append(errs, fmt.Errorf("trigger: %q; one word, such as !incident", c.Trigger))
	}
	if c.PinPoll < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("pin_poll: %s; use 100ms or more (15s is plenty)", c.PinPoll))
	}
	if c.MaxFileBytes < 0 {
		errs = append(errs, fmt.Errorf("max_file_bytes: %d; use 0 or more", c.MaxFileBytes))
	}
	return errors.Join(errs...)
}

// required is what New needs to build a client at all.
func (c Config) required() []error {
	var errs []error
	if u, err := url.Parse(c.URL); c.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: %q is not the server's http(s) URL", c.URL))
	}
	if c.UserID == "" {
		errs = append(errs, errors.New("user_id: empty; give the bot user's id"))
	}
	if c.Token == "" {
		errs = append(errs, errors.New("token: empty; give a personal access token of the bot user"))
	}
	switch c.Delete {
	case "", DeletePermanent, DeleteArchive, DeleteKeep:
	default:
		errs = append(errs, fmt.Errorf("delete: %q; use permanent, archive or keep", c.Delete))
	}
	return errs
}

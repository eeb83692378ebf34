package mattermost

import (
	"errors"
	"fmt"
	"net/url"
)

// Config is chat.mattermost in warroom's config. Validate checks it; each
// problem is one error whose text starts with the key it is about.
type Config struct {
	URL          string   `yaml:"url"`            // the server's base URL, e.g. https://chat.example.com
	Token        string   `yaml:"token"`          // the bot's access token
	Team         string   `yaml:"team"`           // team name, e.g. ops
	CommandToken string   `yaml:"command_token"`  // the /incident slash command's token; other tokens get 401
	Delete       string   `yaml:"delete"`         // permanent, archive or keep (default archive)
	Private      bool     `yaml:"private"`        // open private channels
	Invite       []string `yaml:"invite"`         // usernames added to every incident channel
	PinEmoji     string   `yaml:"pin_emoji"`      // reaction that pins a message to the timeline (default pushpin)
	MaxFileBytes int64    `yaml:"max_file_bytes"` // files up to this size are copied into the archive (default 10 MiB)
	ActionSecret string   `yaml:"action_secret"`  // key that signs button callbacks (default: derived from Token)
	PublicURL    string   `yaml:"-"`              // warroom's public URL, where Mattermost sends commands and clicks
}

// DefaultConfig is chat.mattermost when the config says nothing.
func DefaultConfig() Config {
	return Config{Delete: DeleteArchive, PinEmoji: "pushpin", MaxFileBytes: 10 << 20}
}

// withDefaults fills the keys left empty from DefaultConfig.
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	if c.Delete == "" {
		c.Delete = def.Delete
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
	if c.CommandToken == "" {
		errs = append(errs, errors.New("command_token: empty; without it anyone who reaches warroom could run /incident as anyone. "+
			"Give the token Mattermost shows for the /incident slash command (Integrations > Slash Commands)"))
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
	if c.Token == "" {
		errs = append(errs, errors.New("token: empty; create a bot account and give its access token"))
	}
	if c.Team == "" {
		errs = append(errs, errors.New("team: empty; give the team's name (the part of its URL)"))
	}
	switch c.Delete {
	case "", DeletePermanent, DeleteArchive, DeleteKeep:
	default:
		errs = append(errs, fmt.Errorf("delete: %q; use permanent, archive or keep", c.Delete))
	}
	return errs
}

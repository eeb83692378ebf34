// Package mattermost is warroom's Mattermost chat backend, on the REST API v4
// through the official model.Client4. It opens and keeps incident channels,
// posts and edits messages with buttons, reads the whole history for the
// transcript, deletes channels after the verified archive, and answers the
// slash command, button callbacks and pin reactions. Mattermost's types stay
// inside this package.
package mattermost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
)

// Name is the backend's name in config and in channel references.
const Name = "mattermost"

// Delete modes.
const (
	DeletePermanent = "permanent"
	DeleteArchive   = "archive"
	DeleteKeep      = "keep"
)

// Backend is the Mattermost chat backend.
type Backend struct {
	cfg    Config
	client *model.Client4
	log    *slog.Logger
	signer signer

	mu     sync.Mutex
	teamID string
	botID  string
	users  map[string]string // user ID -> username

	// historyPage is how many posts a history page asks for: 0 means the
	// most Mattermost serves; tests ask for fewer to have many page
	// boundaries.
	historyPage int
	// historyWalks is how many parts of a long channel's history are
	// walked at once: 0 means defaultHistoryWalks, 1 one walk.
	historyWalks int
}

// New builds the backend. It does not call Mattermost: the team and the bot
// are resolved on first use, so warroom starts while Mattermost is down.
func New(cfg Config, log *slog.Logger, httpClient *http.Client) (*Backend, error) {
	if err := errors.Join(cfg.required()...); err != nil {
		return nil, fmt.Errorf("chat.mattermost: %w", err)
	}
	cfg = cfg.withDefaults()
	cfg.PinEmoji = strings.Trim(cfg.PinEmoji, ":")
	secret := cfg.ActionSecret
	if secret == "" {
		secret = "warroom-actions\x00" + cfg.Token
	}
	c := model.NewAPIv4Client(cfg.URL)
	c.SetToken(cfg.Token)
	if httpClient != nil {
		c.HTTPClient = httpClient
	}
	return &Backend{cfg: cfg, client: c, log: log, signer: signer{key: []byte(secret)}, users: map[string]string{}}, nil
}

// Backend names the backend.
func (b *Backend) Backend() string { return Name }

// PinEmoji is the reaction that pins a message.
func (b *Backend) PinEmoji() string { return b.cfg.PinEmoji }

// ensure resolves and caches the team and the bot, and checks that the bot
// is a member of the team: the error says exactly what to fix.
func (b *Backend) ensure(ctx context.Context) (teamID, botID string, err error) {
	b.mu.Lock()
	teamID, botID = b.teamID, b.botID
	b.mu.Unlock()
	if teamID != "" {
		return teamID, botID, nil
	}
	me, resp, err := b.client.GetMe(ctx, "")
	if err != nil {
		return "", "", classify("read the bot's own account", resp, err)
	}
	team, resp, err := b.client.GetTeamByName(ctx, b.cfg.Team, "")
	if err != nil {
		if statusOf(err, resp) == http.StatusNotFound || statusOf(err, resp) == http.StatusForbidden {
			return "", "", permanent("bot @%s is not a member of team %s (or the team does not exist): add the bot to the team in System Console > Teams, and check chat.mattermost.team",
				me.Username, b.cfg.Team)
		}
		return "", "", classify("find team "+b.cfg.Team, resp, err)
	}
	if _, resp, err := b.client.GetTeamMember(ctx, team.Id, me.Id, ""); err != nil {
		if s := statusOf(err, resp); s == http.StatusNotFound || s == http.StatusForbidden {
			return "", "", permanent("bot @%s is not a member of team %s: add it in System Console > Teams > %s > Add Members", me.Username, b.cfg.Team, b.cfg.Team)
		}
		return "", "", classify("check the bot's team membership", resp, err)
	}
	b.mu.Lock()
	b.teamID, b.botID = team.Id, me.Id
	b.users[me.Id] = me.Username
	b.mu.Unlock()
	return team.Id, me.Id, nil
}

func (b *Backend) botUserID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.botID
}

// username returns a user's username, cached.
func (b *Backend) username(ctx context.Context, userID string) (string, error) {
	b.mu.Lock()
	name, ok := b.users[userID]
	b.mu.Unlock()
	if ok {
		return name, nil
	}
	u, resp, err := b.client.GetUser(ctx, userID, "")
	if err != nil {
		if statusOf(err, resp) == http.StatusNotFound {
			return userID, nil // a deleted user: keep the ID
		}
		return "", classify("read user "+userID, resp, err)
	}
	b.mu.Lock()
	b.users[userID] = u.Username
	b.mu.Unlock()
	return u.Username, nil
}

// Package builtin is warroom's embedded chat backend and ticket system. Its
// channels, messages and tickets live in warroom's own database, and the web
// UI shows each live channel as a page where people read and type, so that
// warroom runs with nothing else installed.
package builtin

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/warroom/warroom/incident"
)

// Backend is the builtin chat backend and ticket system.
type Backend struct {
	store     Store
	publicURL string
	clock     incident.Clock
}

// New builds the builtin backend on its store (the store's migrations
// create its tables). publicURL is where warroom's web UI is reached, for
// channel and ticket links.
func New(store Store, publicURL string, clock incident.Clock) *Backend {
	return &Backend{store: store, publicURL: publicURL, clock: clock}
}

// Name is the backend's name in config and in channel and ticket references.
const Name = "builtin"

// Backend names the backend.
func (b *Backend) Backend() string { return Name }

func newID() string {
	var buf [10]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(buf[:])
}

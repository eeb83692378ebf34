// Package singleton runs the tasks that must run on one replica at a time
// (the Icinga 2 event-stream follower, the pin watcher, the job pruner),
// each under a named lease of incident.Leases. The replica that holds a
// lease runs its task and renews the lease; the others keep trying to take
// it, so that one takes over when the holder dies (the lease lapses) or
// stops cleanly (it releases the lease).
package singleton

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/incident"
)

// Config times the leases. The defaults (TTL 10s, renewal every 3s, a
// standby trying every 2s) keep both promises:
//   - takeover within 15s: a holder that dies right after a renewal leaves
//     a lease that lapses 10s later, and a standby tries at most 2s after
//     that (12s; the rest is slack for the task to start);
//   - never two at once: a renewal that fails or takes longer than
//     RenewEvery stops the task at once, at most 3s+3s after the last good
//     renewal, 4s before the lease can lapse for the others.
type Config struct {
	TTL        time.Duration // how long a holding lasts unrenewed; default 10s
	RenewEvery time.Duration // how often the holder renews; also a renewal's time limit; default 3s
	Retry      time.Duration // how often a standby tries to take the lease; default 2s
}

// The default timings (see Config).
const (
	DefaultTTL        = 10 * time.Second
	DefaultRenewEvery = 3 * time.Second
	DefaultRetry      = 2 * time.Second
)

func (c Config) withDefaults() Config {
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	if c.RenewEvery <= 0 {
		c.RenewEvery = DefaultRenewEvery
	}
	if c.Retry <= 0 {
		c.Retry = DefaultRetry
	}
	return c
}

// Validate refuses timings that could let two replicas run a task at once:
// the holder must have renewed, or given up, well before its lease lapses.
func (c Config) Validate() error {
	c = c.withDefaults()
	if 2*c.RenewEvery >= c.TTL {
		return fmt.Errorf("singleton timings: renewal every %v (and as long for a renewal to answer) must be under half the lease TTL %v", c.RenewEvery, c.TTL)
	}
	return nil
}

// Group runs this replica's side of every singleton: one holder id, one
// store of leases, one clock.
type Group struct {
	leases  incident.Leases
	holder  string
	clock   incident.Timers
	log     *slog.Logger
	cfg     Config
	abandon atomic.Bool

	mu   sync.Mutex
	held map[string]incident.LeaseHold
}

// New builds a Group for holder (see HolderID). A test passes a fake clock
// and steps it.
func New(leases incident.Leases, holder string, clock incident.Timers, log *slog.Logger, cfg Config) (*Group, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if holder == "" {
		return nil, errors.New("singleton: empty holder id")
	}
	return &Group{leases: leases, holder: holder, clock: clock, log: log, cfg: cfg.withDefaults(), held: map[string]incident.LeaseHold{}}, nil
}

// HolderID names this process among the replicas: host name, pid and a
// random part (a restarted process with the same pid is a new holder).
func HolderID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Holder is this replica's holder id.
func (g *Group) Holder() string { return g.holder }

// Held lists the leases this replica holds now, by name.
func (g *Group) Held() []incident.LeaseHold {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]incident.LeaseHold, 0, len(g.held))
	for _, h := range g.held {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Abandon makes the Group stop, once its context ends, without releasing
// its leases, as a crashed process would: the others take over only when
// the leases lapse. Failover tests use it.
func (g *Group) Abandon() { g.abandon.Store(true) }

// Holding returns the lease a task runs under, from the context Run hands
// it. That context is fenced by it (incident.WithFence): every store
// update the task makes through it is refused once the lease is no longer
// this holding's, so a task that lost its lease cannot record what it
// read after another replica took over.
func Holding(ctx context.Context) (incident.LeaseHold, bool) {
	return incident.FenceOf(ctx)
}

// Run runs task under the lease name until ctx ends: whenever this replica
// takes the lease, task starts with a context that is cancelled as soon as
// the lease is lost, a renewal fails, or ctx ends. Run returns after the
// task has returned and the lease was released.
func (g *Group) Run(ctx context.Context, name string, task func(ctx context.Context)) {
	log := g.log.With("singleton", name, "holder", g.holder)
	for ctx.Err() == nil {
		now := g.clock.Now()
		h, err := g.leases.AcquireLease(ctx, name, g.holder, now, now.Add(g.cfg.TTL))
		if err == nil {
			g.hold(ctx, log, h, task)
			if ctx.Err() != nil {
				return
			}
		} else if !errors.Is(err, incident.ErrLeaseHeld) && ctx.Err() == nil {
			log.Warn("take singleton lease; trying again", "err", err, "in", g.cfg.Retry)
		}
		select {
		case <-ctx.Done():
			return
		case <-g.clock.After(g.cfg.Retry):
		}
	}
}

// hold runs task while h is renewed, then releases the lease (unless
// abandoned). It returns when the task has returned.
func (g *Group) hold(ctx context.Context, log *slog.Logger, h incident.LeaseHold, task func(context.Context)) {
	g.set(h, true)
	defer g.set(h, false)
	log.Info("singleton lease gained; running", "token", h.Token)
	taskCtx, cancel := context.WithCancelCause(incident.WithFence(ctx, h))
	done := make(chan struct{})
	go func() {
		defer close(done)
		task(taskCtx)
	}()
	why := g.renew(ctx, h, done)
	cancel(why)
	<-done
	if ctx.Err() != nil && g.abandon.Load() {
		log.Warn("singleton abandoned without release", "token", h.Token)
		return
	}
	// A lease already lost is not ours to release; the token keeps this
	// from freeing a newer holding.
	rctx, stop := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.RenewEvery)
	defer stop()
	if err := g.leases.ReleaseLease(rctx, h.Name, g.holder, h.Token); err != nil {
		log.Warn("release singleton lease; it lapses by itself", "err", err, "until", h.Until)
	}
	switch {
	case ctx.Err() != nil:
		log.Info("singleton lease released: shutting down", "token", h.Token)
	default:
		log.Warn("singleton lease lost; task stopped", "token", h.Token, "why", why)
	}
}

// renew renews h every RenewEvery until ctx ends, the task returns, or a
// renewal fails, and says why it stopped.
func (g *Group) renew(ctx context.Context, h incident.LeaseHold, done <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-done:
			return errors.New("the task returned")
		case <-g.clock.After(g.cfg.RenewEvery):
		}
		now := g.clock.Now()
		rctx, stop := context.WithTimeout(ctx, g.cfg.RenewEvery)
		nh, err := g.leases.AcquireLease(rctx, h.Name, g.holder, now, now.Add(g.cfg.TTL))
		stop()
		switch {
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case err != nil:
			return fmt.Errorf("renew: %w", err)
		case nh.Token != h.Token:
			// The lease lapsed before this renewal and was taken anew: the
			// task ran past its holding, so it starts over under the new one.
			return fmt.Errorf("renew: the lease lapsed (token %d, now %d)", h.Token, nh.Token)
		}
		h = nh
		g.set(h, true)
	}
}

func (g *Group) set(h incident.LeaseHold, held bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if held {
		g.held[h.Name] = h
	} else {
		delete(g.held, h.Name)
	}
}

package icinga2

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Incidents is what the event stream drives in the incident Service.
type Incidents interface {
	IngestAlerts(ctx context.Context, g incident.AlertGroup) (incident.IngestResult, error)
	AckFromSource(ctx context.Context, source, dedupKey, actor string) error
	// List lists incidents (the resync reads the live ones from Icinga 2).
	List(ctx context.Context, f incident.Filter) ([]*incident.Incident, error)
}

// streamTypes are the events warroom follows.
var streamTypes = []string{"StateChange", "AcknowledgementSet"}

// Follow reads the event stream until ctx ends, reconnecting with backoff.
// Events sent while disconnected are lost (Icinga 2 has no replay), so every
// (re)connection first resyncs the HARD problems from the object API, and
// a failed resync counts as a failed connection. A replica that takes the
// follower over from another (see incident/singleton) starts Follow anew, so
// it resyncs too.
func (c *Client) Follow(ctx context.Context, svc Incidents, kick func()) {
	delay := time.Second
	for ctx.Err() == nil {
		start := time.Now()
		err := c.followOnce(ctx, svc, kick)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			delay = time.Second
		}
		c.log.Warn("Icinga 2 event stream ended; reconnecting", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Minute)
	}
}

func (c *Client) followOnce(ctx context.Context, svc Incidents, kick func()) error {
	types := streamTypes
	if !c.noDowntimeEvents.Load() {
		types = append(append([]string(nil), streamTypes...), downtimeTypes...)
	}
	q := url.Values{"queue": {c.cfg.Queue}, "types": types}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+"/v1/events?"+strings.ReplaceAll(q.Encode(), "+", "%20"), nil)
	if err != nil {
		return err
	}
	c.auth(req)
	resp, err := c.stream.Do(req)
	if err != nil {
		return fmt.Errorf("connect to the event stream: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		if (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound) && !c.noDowntimeEvents.Load() {
			// An ApiUser from before the downtime events: follow without them.
			c.noDowntimeEvents.Store(true)
			c.log.Warn("the Icinga 2 ApiUser may not read downtime events; following without them: grant events/DowntimeAdded, events/DowntimeStarted and events/DowntimeRemoved to post downtimes", "status", resp.StatusCode)
		}
		return fmt.Errorf("event stream answered %d: %s (a 404 here means the ApiUser lacks events/StateChange or events/AcknowledgementSet)", resp.StatusCode, bytes.TrimSpace(msg))
	}
	c.log.Info("following the Icinga 2 event stream", "url", c.cfg.URL, "queue", c.cfg.Queue)
	// A follower that cannot resync would miss what changed while nobody
	// followed (a takeover from a dead replica, a reconnection): it drops
	// the stream and tries again, resync first.
	if err := c.resync(ctx, svc); err != nil {
		return fmt.Errorf("resync the HARD problems: %w", err)
	}
	if kick != nil {
		kick()
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	for sc.Scan() {
		e, err := decodeEvent(sc.Bytes())
		c.log.Debug("Icinga 2 event", "type", e.Type, "object", e.key(), "hard", e.hard(), "state", e.state())
		if err != nil {
			c.log.Warn("skip an event", "err", err)
			continue
		}
		if err := c.handle(ctx, svc, e); err != nil {
			switch {
			case ctx.Err() != nil: // the follower is stopping (shutdown, or its lease was lost)
				return context.Cause(ctx)
			case errors.Is(err, incident.ErrLeaseFenced):
				// Paused past its lease (a stall, a frozen VM): another replica
				// follows now and applies this event; nothing was written here.
				c.log.Warn("this replica no longer holds the Icinga 2 follower; the event is left to the one that does", "type", e.Type, "object", e.key())
				return err
			}
			c.log.Error("apply Icinga 2 event", "type", e.Type, "object", e.key(), "err", err)
		} else if kick != nil {
			kick()
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.EOF
}

// handle applies one event of the stream or the resync, linking to this
// Icinga 2.
func (c *Client) handle(ctx context.Context, svc Incidents, e event) error {
	return apply(ctx, svc, e, c.cfg.URL)
}

// apply applies one event: HARD state changes become alert notifications
// (linking to linkBase, if any); an acknowledgement set in Icinga 2 acks
// the incident.
func apply(ctx context.Context, svc Incidents, e event, linkBase string) error {
	switch e.Type {
	case "StateChange":
		if !e.hard() {
			return nil // SOFT: Icinga is still making up its mind
		}
		_, err := svc.IngestAlerts(ctx, e.group(linkBase))
		return err
	case "AcknowledgementSet":
		author := e.Author
		if author == "" {
			author = "icinga2"
		}
		return svc.AckFromSource(ctx, Source, e.key(), author)
	case "DowntimeAdded", "DowntimeStarted", "DowntimeRemoved":
		return applyDowntime(ctx, svc, e)
	}
	return nil
}

func (c *Client) auth(req *http.Request) {
	req.SetBasicAuth(c.cfg.User, c.cfg.Password)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
}

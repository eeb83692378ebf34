package incident

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// EventSilenceSeen is a silence made elsewhere (Alertmanager's UI, amtool)
// that matches an incident's alerts.
const EventSilenceSeen EventKind = "silence_seen"

// ActiveSilence is a live silence as Alertmanager lists it.
type ActiveSilence struct {
	ID        string
	Matchers  []Matcher
	EndsAt    time.Time
	CreatedBy string
	Comment   string
}

// SilenceLister lists Alertmanager's active silences.
type SilenceLister interface {
	Active(ctx context.Context) ([]ActiveSilence, error)
}

// Matches reports whether the matcher holds for labels (a missing label is
// the empty string; regular expressions are anchored, as in Alertmanager).
func (m Matcher) Matches(labels map[string]string) bool {
	v := labels[m.Name]
	ok := v == m.Value
	if m.IsRegex {
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		ok = err == nil && re.MatchString(v)
	}
	return ok == m.IsEqual
}

// WatchSilences posts, every interval until ctx ends, the active silences
// made elsewhere whose matchers all hold for a live Alertmanager
// incident's labels, each once per incident (the event's ref is the
// silence ID). Silences warroom made for that incident are skipped: their
// job posted them. Run it on one replica at a time (a singleton).
func (s *Service) WatchSilences(ctx context.Context, src SilenceLister, every time.Duration, kick func()) {
	for {
		if err := s.seeSilences(ctx, src); err != nil && ctx.Err() == nil {
			s.log.Warn("list Alertmanager's silences", "err", err)
		} else if kick != nil {
			kick()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func (s *Service) seeSilences(ctx context.Context, src SilenceLister) error {
	silences, err := src.Active(ctx)
	if err != nil || len(silences) == 0 {
		return err
	}
	live, err := s.store.Incidents(ctx, Filter{Status: []Status{StatusOpen, StatusAcked, StatusResolved}, Limit: 500})
	if err != nil {
		return err
	}
	for _, inc := range live {
		if inc.Source != "alertmanager" {
			continue
		}
		for _, sil := range silences {
			if strings.Contains(sil.Comment, "warroom:"+inc.Key+"/") || !matchAll(sil.Matchers, inc.Labels) {
				continue
			}
			if err := s.silenceSeen(ctx, inc.ID, sil); err != nil {
				return err
			}
		}
	}
	return nil
}

func matchAll(ms []Matcher, labels map[string]string) bool {
	for _, m := range ms {
		if !m.Matches(labels) {
			return false
		}
	}
	return len(ms) > 0
}

func (s *Service) silenceSeen(ctx context.Context, id int64, sil ActiveSilence) error {
	return s.Update(ctx, func(tx Txn) error {
		inc, err := tx.Incident(ctx, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		text := fmt.Sprintf("🔕 %s silenced %s in Alertmanager until %s (silence %s)", sil.CreatedBy, formatMatchers(sil.Matchers),
			sil.EndsAt.UTC().Format("2006-01-02 15:04 MST"), sil.ID)
		if c := strings.TrimSpace(sil.Comment); c != "" {
			text += ": " + c
		}
		ev := Event{IncidentID: inc.ID, Kind: EventSilenceSeen, Actor: sil.CreatedBy + " (in alertmanager)", Text: text, Ref: sil.ID, At: now, RecordedAt: now}
		added, err := tx.AddEvent(ctx, &ev)
		if err != nil || !added {
			return err
		}
		return enqueuePost(ctx, tx, inc, PostSpec{Text: text}, inc.Key+"/post/silence-seen/"+sil.ID)
	})
}

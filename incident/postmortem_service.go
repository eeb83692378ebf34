package incident

import (
	"context"
	"fmt"
	"strings"
)

// Postmortem returns the incident's postmortem at its latest revision.
func (s *Service) Postmortem(ctx context.Context, key string) (*Postmortem, error) {
	inc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	pm, err := s.store.Postmortem(ctx, inc.ID)
	if ErrorKind(err) == KindNotFound {
		return nil, noPostmortem(inc)
	}
	return pm, err
}

// PostmortemRevisions returns every revision of the incident's
// postmortem, oldest first.
func (s *Service) PostmortemRevisions(ctx context.Context, key string) ([]PostmortemRevision, error) {
	pm, err := s.Postmortem(ctx, key)
	if err != nil {
		return nil, err
	}
	return s.store.PostmortemRevisions(ctx, pm.IncidentID)
}

// Postmortems is the review list: postmortems in f.State (draft when
// empty), oldest first, of incidents of the given severities.
func (s *Service) Postmortems(ctx context.Context, f PostmortemFilter) ([]*Postmortem, error) {
	if f.State == "" {
		f.State = PostmortemDraft
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.Postmortems(ctx, f)
}

// EditPostmortem saves body as the next revision of the incident's
// postmortem, by actor. base is the revision the edit started from: when
// someone saved since, the edit is refused (KindConflict, naming whose
// change to look at) and nothing is lost: the caller still has its text.
// When the postmortem was stored in the ticket already, the new revision
// is not sent there until it is marked reviewed or published (see
// ReviewPostmortem): warroom keeps every revision, the ticket the ones
// people signed off.
func (s *Service) EditPostmortem(ctx context.Context, key, actor, body string, base int) (*Postmortem, error) {
	if err := CheckPostmortemBody(body); err != nil {
		return nil, err
	}
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil, Errorf(KindInvalid, "an edit needs its author: sign in, or name the author in the request")
	}
	if base < 1 {
		return nil, Errorf(KindInvalid, "say which revision your edit starts from (base_revision, the revision you read): without it warroom cannot tell whether someone saved meanwhile")
	}
	return s.changePostmortem(ctx, key, func(tx Tx, inc *Incident, pm *Postmortem) error {
		if pm.Revision != base {
			return StaleEdit(inc.Key, base, PostmortemRevision{N: pm.Revision, Author: pm.EditedBy, At: pm.EditedAt})
		}
		if pm.Body == body {
			return Errorf(KindInvalid, "the edit changes nothing: it is revision %d as it is", pm.Revision)
		}
		now := s.clock.Now()
		rev := PostmortemRevision{N: base + 1, Body: body, Author: actor, At: now, SHA256: Digest([]byte(body))}
		if err := tx.AddPostmortemRevision(ctx, inc.ID, rev); err != nil {
			return err
		}
		pm.Revision, pm.Body, pm.EditedBy, pm.EditedAt, pm.SHA256 = rev.N, rev.Body, rev.Author, rev.At, rev.SHA256
		return nil
	})
}

// ReviewPostmortem marks the incident's postmortem reviewed or published
// (or back to draft) by actor, and stores its latest revision in the
// ticket when the ticket does not hold it yet.
func (s *Service) ReviewPostmortem(ctx context.Context, key, actor string, st PostmortemState) (*Postmortem, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil, Errorf(KindInvalid, "a review needs its reviewer: sign in, or name the reviewer in the request")
	}
	return s.changePostmortem(ctx, key, func(tx Tx, inc *Incident, pm *Postmortem) error {
		if pm.State == st {
			return Errorf(KindConflict, "the postmortem of %s is %s already (since %s by %s)", inc.Key, st, formatWhen(pm), pm.ReviewedBy)
		}
		now := s.clock.Now()
		if err := tx.SetPostmortemState(ctx, inc.ID, st, actor, now); err != nil {
			return err
		}
		pm.State, pm.ReviewedBy, pm.ReviewedAt = st, actor, &now
		if st == PostmortemDraft || pm.StoredRevision >= pm.Revision {
			return nil
		}
		j, err := NewStorePostmortemJob(inc, pm.Revision)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, j)
	})
}

// changePostmortem runs change on the incident's postmortem, read in the
// write transaction (so two edits take turns), and returns it as change
// left it; no postmortem yet is KindNotFound, saying when one is drafted.
func (s *Service) changePostmortem(ctx context.Context, key string, change func(tx Tx, inc *Incident, pm *Postmortem) error) (*Postmortem, error) {
	inc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	var out *Postmortem
	err = s.store.Update(ctx, func(tx Tx) error {
		pm, err := tx.Postmortem(ctx, inc.ID)
		if ErrorKind(err) == KindNotFound {
			return noPostmortem(inc)
		}
		if err != nil {
			return err
		}
		if err := change(tx, inc, pm); err != nil {
			return err
		}
		out = pm
		return nil
	})
	return out, err
}

// StorePostmortemPayload names the revision a postmortem.store job stores.
type StorePostmortemPayload struct {
	Revision int `json:"revision"`
}

// NewStorePostmortemJob is the job that stores revision n of the
// incident's postmortem in its ticket; one per revision.
func NewStorePostmortemJob(inc *Incident, n int) (Job, error) {
	return NewJob(JobStorePostmortem, inc.ID, fmt.Sprintf("%s/postmortem/store/%d", inc.Key, n), StorePostmortemPayload{Revision: n})
}

func formatWhen(pm *Postmortem) string {
	if pm.ReviewedAt == nil {
		return "its draft"
	}
	return pm.ReviewedAt.UTC().Format("2006-01-02 15:04 UTC")
}

func noPostmortem(inc *Incident) error {
	return Errorf(KindNotFound, "%s has no postmortem yet: warroom drafts one once the incident is closed and its transcript built (it is %s)", inc.Key, inc.Status)
}

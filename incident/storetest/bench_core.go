package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// BenchSharedCore measures the statements the two drivers share
// (incident/internal/sqlstore) through the ports, one sub-benchmark a use:
// a follow-up created, read locked and changed in one transaction, the 25
// follow-ups of an incident listed, a postmortem revision saved and the
// postmortem read, an action run created and started, the live incidents
// counted, a session read. It runs the same on every driver.
func BenchSharedCore(b *testing.B, s Store) {
	ctx := context.Background()
	// listed has the 25 follow-ups listed; inc takes the writes.
	inc := &incident.Incident{Title: "bench", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "bench",
		CreatedAt: T0, UpdatedAt: T0}
	listed := *inc
	err := s.Update(ctx, func(tx incident.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		listed.DedupKey = "listed"
		if err := tx.CreateIncident(ctx, &listed); err != nil {
			return err
		}
		for i := range 25 {
			f := &incident.Followup{IncidentID: listed.ID, Text: fmt.Sprintf("action item %d", i), Actor: "alice", State: incident.FollowupOpen,
				CreatedAt: T0, ChangedAt: T0}
			if err := tx.CreateFollowup(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	update := func(b *testing.B, fn func(tx incident.Tx) error) {
		if err := s.Update(ctx, fn); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("followup-write", func(b *testing.B) {
		for b.Loop() {
			update(b, func(tx incident.Tx) error {
				f := &incident.Followup{IncidentID: inc.ID, Text: "bench", Actor: "alice", State: incident.FollowupOpen, CreatedAt: T0, ChangedAt: T0}
				if err := tx.CreateFollowup(ctx, f); err != nil {
					return err
				}
				got, err := tx.Followup(ctx, f.ID)
				if err != nil {
					return err
				}
				got.State, got.ChangedBy = incident.FollowupDone, "bob"
				return tx.UpdateFollowup(ctx, got)
			})
		}
	})
	b.Run("followups-list", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Followups(ctx, listed.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("postmortem-save-read", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n++
			update(b, func(tx incident.Tx) error {
				return tx.AddPostmortemRevision(ctx, inc.ID, incident.PostmortemRevision{N: n, Body: "bench", Author: "alice", At: T0})
			})
			if _, err := s.Postmortem(ctx, inc.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("actionrun-write", func(b *testing.B) {
		for b.Loop() {
			update(b, func(tx incident.Tx) error {
				r := &incident.ActionRun{IncidentID: inc.ID, Action: "restart", Params: map[string]string{"host": "db1"}, Actor: "alice",
					State: incident.RunConfirmed, RequestedAt: T0}
				if err := tx.CreateActionRun(ctx, r); err != nil {
					return err
				}
				got, err := tx.ActionRun(ctx, r.ID)
				if err != nil {
					return err
				}
				got.State, got.Attempts = incident.RunStarted, 1
				return tx.UpdateActionRun(ctx, got)
			})
		}
	})
	if r, ok := s.(incident.Reporter); ok {
		b.Run("count-live", func(b *testing.B) {
			for b.Loop() {
				if _, err := r.CountLive(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if ss, ok := s.(Sessions); ok {
		if err := ss.CreateSession(ctx, "bench", "alice", "csrf", "fp", T0, T0.Add(24*time.Hour)); err != nil {
			b.Fatal(err)
		}
		b.Run("session-read", func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := ss.Session(ctx, "bench", "fp", T0); err != nil {
					b.Fatal(err)
				}
				if _, _, err := ss.TakeFlash(ctx, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// A group's window reads back as written (a group never seen is zero with
// its key), Children lists a parent's incidents oldest first, and
// increments of one window from concurrent transactions (on a Replica:
// from other stores of the database) are never lost: GroupWindow makes
// them take turns.
func testGroupWindows(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	update(t, s, func(tx incident.Tx) error {
		w, err := tx.GroupWindow(ctx, "g")
		if err != nil {
			return err
		}
		if w != (incident.GroupWindow{Key: "g"}) {
			t.Errorf("new group: %+v, want zero with its key", w)
		}
		return nil
	})
	want := incident.GroupWindow{Key: "g", Start: T0.Add(time.Nanosecond), Count: 3, Last: T0.Add(time.Minute)}
	update(t, s, func(tx incident.Tx) error { return tx.SetGroupWindow(ctx, want) })
	update(t, s, func(tx incident.Tx) error {
		got, err := tx.GroupWindow(ctx, "g")
		if err == nil && !(got.Key == want.Key && got.Start.Equal(want.Start) && got.Count == want.Count && got.Last.Equal(want.Last)) {
			t.Errorf("read back %+v, want %+v", got, want)
		}
		return err
	})

	parent := newIncident(t, s, "storm", "p")
	a, b := newIncident(t, s, "a", "a"), newIncident(t, s, "b", "b")
	newIncident(t, s, "alone", "c")
	for _, kid := range []*incident.Incident{b, a} {
		kid.Parent = parent.Key
		update(t, s, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, kid) })
	}
	update(t, s, func(tx incident.Tx) error {
		kids, err := tx.Children(ctx, parent.ID)
		if err != nil {
			return err
		}
		if len(kids) != 2 || kids[0].ID != a.ID || kids[1].ID != b.ID {
			t.Errorf("children: %v, want %s and %s", kids, a.Key, b.Key)
		}
		return nil
	})

	stores := []Store{s}
	if d.Replica != nil {
		stores = append(stores, d.Replica(t, s, &Clock{t: T0}))
	}
	const each = 20
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := stores[g%len(stores)]
			for range each {
				err := st.Update(ctx, func(tx incident.Tx) error {
					w, err := tx.GroupWindow(ctx, "counted")
					if err != nil {
						return err
					}
					w.Count++
					return tx.SetGroupWindow(ctx, w)
				})
				if err != nil && incident.ErrorKind(err) != incident.KindTransient {
					t.Errorf("increment: %v", err)
				} else if err != nil {
					t.Errorf("increment met a transient error (the window should be waited for): %v", err)
				}
			}
		}()
	}
	wg.Wait()
	update(t, s, func(tx incident.Tx) error {
		w, err := tx.GroupWindow(ctx, "counted")
		if err == nil && w.Count != 4*each {
			t.Errorf("count after %d concurrent increments: %d", 4*each, w.Count)
		}
		return err
	})
}

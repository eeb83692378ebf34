package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// Sessions is the web UI's session store (web.Sessions).
type Sessions interface {
	CreateSession(ctx context.Context, idHash, user, csrf, tokenFP string, now, expires time.Time) error
	Session(ctx context.Context, idHash, tokenFP string, now time.Time) (user, csrf string, flash bool, err error)
	DeleteSession(ctx context.Context, idHash string) error
	SetFlash(ctx context.Context, idHash, kind, text string) error
	TakeFlash(ctx context.Context, idHash string) (kind, text string, err error)
}

// RunSessions checks the session store's rules: a session is live until
// it expires, for the token it was made under, until it is deleted; a
// flash message is read once; a sign-in under a new token clears the old
// token's sessions. With a second store on the same database (replica, nil
// for none) a session made through one is read through the other.
func RunSessions(t *testing.T, s, replica Sessions) {
	ctx := context.Background()
	now := T0
	if err := s.CreateSession(ctx, "h1", "alice", "c1", "fp1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "h2", "bob", "c2", "fp1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	readers := map[string]Sessions{"same": s}
	if replica != nil {
		readers["replica"] = replica
	}
	for where, r := range readers {
		for _, tt := range []struct {
			name, id, fp string
			at           time.Time
			wantUser     string // "" means not found
		}{
			{"live", "h1", "fp1", now.Add(time.Minute), "alice"},
			{"expired", "h1", "fp1", now.Add(time.Hour), ""},
			{"another token", "h1", "fp2", now, ""},
			{"unknown id", "h9", "fp1", now, ""},
		} {
			user, csrf, _, err := r.Session(ctx, tt.id, tt.fp, tt.at)
			if tt.wantUser == "" {
				if incident.ErrorKind(err) != incident.KindNotFound {
					t.Errorf("%s store, %s: err = %v, want KindNotFound", where, tt.name, err)
				}
				continue
			}
			if err != nil || user != tt.wantUser || csrf != "c1" {
				t.Errorf("%s store, %s: user %q csrf %q err %v; want %q", where, tt.name, user, csrf, err, tt.wantUser)
			}
		}
	}
	if err := s.SetFlash(ctx, "h1", "notice", "INC-1 declared"); err != nil {
		t.Fatal(err)
	}
	last := s
	if replica != nil {
		last = replica
	}
	if _, _, flash, _ := last.Session(ctx, "h1", "fp1", now); !flash {
		t.Error("the session does not say a flash message waits")
	}
	for i, want := range []string{"INC-1 declared", ""} {
		if _, text, err := last.TakeFlash(ctx, "h1"); err != nil || text != want {
			t.Errorf("take %d: %q, %v; want %q", i, text, err, want)
		}
	}
	if err := s.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "h1"); err != nil {
		t.Fatalf("deleting a missing session: %v, want no error", err)
	}
	if _, _, _, err := last.Session(ctx, "h1", "fp1", now); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("after delete: %v, want KindNotFound", err)
	}
	if err := s.CreateSession(ctx, "h3", "carol", "c3", "fp2", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := last.Session(ctx, "h2", "fp1", now); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("bob's session of the old token survived a sign-in under the new one: %v", err)
	}
}

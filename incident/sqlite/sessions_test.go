package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// The session store keeps a session until it expires, for the token it was
// made under, until it is deleted; a flash message is read once.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	if err := db.CreateSession(ctx, "h1", "alice", "c1", "fp1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, "h2", "bob", "c2", "fp1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id, fp string
		at           time.Time
		wantUser     string // "" means not found
	}{
		{"live", "h1", "fp1", now.Add(time.Minute), "alice"},
		{"expired", "h1", "fp1", now.Add(time.Hour), ""},
		{"another token", "h1", "fp2", now, ""},
		{"unknown id", "h9", "fp1", now, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, _, _, err := db.Session(ctx, tt.id, tt.fp, tt.at)
			if tt.wantUser == "" {
				if incident.ErrorKind(err) != incident.KindNotFound {
					t.Errorf("err = %v, want not found", err)
				}
				return
			}
			if err != nil || user != tt.wantUser {
				t.Errorf("user %q, err %v; want %q", user, err, tt.wantUser)
			}
		})
	}
	if err := db.SetFlash(ctx, "h1", "notice", "INC-1 declared"); err != nil {
		t.Fatal(err)
	}
	if _, _, flash, _ := db.Session(ctx, "h1", "fp1", now); !flash {
		t.Error("the session does not say a flash message waits")
	}
	for i, want := range []string{"INC-1 declared", ""} {
		if _, text, err := db.TakeFlash(ctx, "h1"); err != nil || text != want {
			t.Errorf("take %d: %q, %v; want %q", i, text, err, want)
		}
	}
	if err := db.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.Session(ctx, "h1", "fp1", now); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("after delete: %v, want not found", err)
	}
	// A session made under a new token clears those of the old one.
	if err := db.CreateSession(ctx, "h3", "carol", "c3", "fp2", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.Session(ctx, "h2", "fp1", now); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("bob's session of the old token survived a sign-in under the new one: %v", err)
	}
}

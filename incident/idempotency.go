package incident

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// An API client that times out and retries a POST sends it again with the
// same Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the
// first answer is kept for IdempotencyTTL and given back to the retry,
// and the request is not carried out twice.
//
// The guarantee is at most once. The key is reserved (state running) in a
// transaction of its own before the request runs, and its answer stored
// after. A retry that finds the key running is refused (409), never run
// again: when warroom stopped between the two writes, the request may or
// may not have taken effect, and only the client can look. An answer that
// is not a 2xx releases the key instead: the API's writes are each one
// transaction, so a refused or failed request wrote nothing and may run
// again.

// IdempotencyTTL is how long a key and its answer are kept.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyStale is how long a request may run before a retry that
// finds its key still running is told it was interrupted rather than to
// retry later: the API's writes take milliseconds, and the HTTP server
// gives up on a request long before this.
const IdempotencyStale = 2 * time.Minute

// MaxIdempotencyKey is the longest key taken, in bytes.
const MaxIdempotencyKey = 255

// IdempotencyState is where a kept request is.
type IdempotencyState string

// The states of a kept request.
const (
	IdempotencyRunning IdempotencyState = "running" // reserved, its answer not stored yet
	IdempotencyDone    IdempotencyState = "done"    // its answer is stored
)

// IdempotentRequest is a request made with an Idempotency-Key, as the
// store keeps it: whose key it is, what was asked, and once done the
// answer.
type IdempotentRequest struct {
	Caller      string // who made it: the API names its caller by its token
	Key         string
	Method      string
	Path        string // with the query, if any
	Fingerprint string // SHA-256 (hex) of method, path and body
	State       IdempotencyState
	Status      int    // the answer's HTTP status, once done
	Body        []byte // the answer's body, once done
	Location    string // the answer's Location header, if any
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// IdempotencyStore keeps the requests made with an Idempotency-Key, in
// the store every replica shares. A request is named by its Caller and
// Key; CreatedAt tells one reservation of them from a later one.
type IdempotencyStore interface {
	// ReserveIdempotency stores r, running, unless a request of r.Caller
	// and r.Key that has not expired at r.CreatedAt is kept: then it
	// returns that one and false, changing nothing. An expired one is
	// replaced. Of two reservations at once exactly one wins.
	ReserveIdempotency(ctx context.Context, r IdempotentRequest) (IdempotentRequest, bool, error)
	// CompleteIdempotency stores the answer of the running reservation r
	// (Caller, Key and CreatedAt name it; Status, Body and Location are
	// the answer) and makes it done. KindNotFound when that reservation is
	// not running any more.
	CompleteIdempotency(ctx context.Context, r IdempotentRequest) error
	// ReleaseIdempotency deletes the running reservation r (Caller, Key,
	// CreatedAt), so that the request may be sent again. A done request,
	// or none, is left as it is, with no error.
	ReleaseIdempotency(ctx context.Context, r IdempotentRequest) error
	// PruneIdempotency deletes up to limit requests that expired before
	// now, in one short transaction, and returns how many.
	PruneIdempotency(ctx context.Context, now time.Time, limit int) (int, error)
}

// Idempotency runs the Idempotency-Key rules on a store.
type Idempotency struct {
	store IdempotencyStore
	clock Clock
	log   *slog.Logger
}

// NewIdempotency returns the rules on store, timed by clock.
func NewIdempotency(store IdempotencyStore, clock Clock, log *slog.Logger) *Idempotency {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Idempotency{store: store, clock: clock, log: log}
}

// pruneOnReserve is how many expired requests each new reservation
// deletes, as a sign-in drops dead sessions: the table holds about a day
// of keys, pruned as it is written.
const pruneOnReserve = 50

// Begin starts the request method path with body of caller under key.
// It returns the reservation to Finish when the request is new, or the
// kept request, done, whose answer to give back (the second result
// false). KindInvalid for a key that is empty or too long,
// KindUnprocessable when the key was used for another request,
// KindConflict when the request with the key is still running or was
// interrupted.
func (i *Idempotency) Begin(ctx context.Context, caller, key, method, path string, body []byte) (IdempotentRequest, bool, error) {
	if err := CheckIdempotencyKey(key); err != nil {
		return IdempotentRequest{}, false, err
	}
	now := i.clock.Now()
	r := IdempotentRequest{Caller: caller, Key: key, Method: method, Path: path, Fingerprint: fingerprint(method, path, body),
		State: IdempotencyRunning, CreatedAt: now, ExpiresAt: now.Add(IdempotencyTTL)}
	held, fresh, err := i.store.ReserveIdempotency(ctx, r)
	if err != nil {
		return IdempotentRequest{}, false, fmt.Errorf("reserve the Idempotency-Key: %w", err)
	}
	if fresh {
		if _, err := i.store.PruneIdempotency(ctx, now, pruneOnReserve); err != nil {
			i.log.Warn("prune expired Idempotency-Keys; the next request tries again", "err", err)
		}
		return r, true, nil
	}
	switch {
	case held.Method != method || held.Path != path:
		return held, false, Errorf(KindUnprocessable, "this Idempotency-Key was used for %s %s at %s: send a new key with a new request",
			held.Method, held.Path, held.CreatedAt.Format(time.RFC3339))
	case held.Fingerprint != r.Fingerprint:
		return held, false, Errorf(KindUnprocessable, "this Idempotency-Key was used for %s %s with another body at %s: send a retry with the body unchanged, or a new key with a new request",
			held.Method, held.Path, held.CreatedAt.Format(time.RFC3339))
	case held.State == IdempotencyDone:
		return held, false, nil
	case now.Sub(held.CreatedAt) < IdempotencyStale:
		return held, false, Errorf(KindConflict, "the request with this Idempotency-Key is still running: retry in a few seconds")
	}
	return held, false, Errorf(KindConflict, "the request first sent with this Idempotency-Key at %s was interrupted before its answer was stored (warroom stopped?), so it may have taken effect: check (GET %s or its list), and send it again with a new key if it did not",
		held.CreatedAt.Format(time.RFC3339), held.Path)
}

// Finish ends the reservation r that Begin made, with the answer given:
// a 2xx answer is stored for the retries; any other releases the key, the
// request having written nothing. A store that fails here leaves the key
// running (a retry is refused, not run twice) and is logged.
func (i *Idempotency) Finish(ctx context.Context, r IdempotentRequest, status int, body []byte, location string) {
	var err error
	if status >= 200 && status < 300 {
		r.State, r.Status, r.Body, r.Location = IdempotencyDone, status, body, location
		err = i.store.CompleteIdempotency(ctx, r)
	} else {
		err = i.store.ReleaseIdempotency(ctx, r)
	}
	if err != nil {
		i.log.Error("store the answer of an Idempotency-Key; a retry with it will be refused", "key", r.Key, "path", r.Path, "status", status, "err", err)
	}
}

// CheckIdempotencyKey refuses a key that is empty or longer than
// MaxIdempotencyKey.
func CheckIdempotencyKey(key string) error {
	switch {
	case key == "":
		return Errorf(KindInvalid, "the Idempotency-Key is empty: send a unique value, e.g. a UUID, and the same one with each retry")
	case len(key) > MaxIdempotencyKey:
		return Errorf(KindInvalid, "the Idempotency-Key is %d bytes long; the limit is %d", len(key), MaxIdempotencyKey)
	}
	return nil
}

// ParseIdempotencyKey reads the value of an Idempotency-Key header: a
// Structured Field string ("..." with \" and \\ escapes, as the draft
// has it) or, as many clients send it, the bare key. Control characters,
// an unterminated string and, in a bare key, spaces are KindInvalid.
func ParseIdempotencyKey(v string) (string, error) {
	v = strings.Trim(v, " \t")
	if !strings.HasPrefix(v, `"`) {
		for _, c := range []byte(v) {
			if c <= ' ' || c >= 0x7f {
				return "", Errorf(KindInvalid, "the Idempotency-Key holds a space or a character that is not printable ASCII: send it as a quoted string or leave those out")
			}
		}
		return v, CheckIdempotencyKey(v)
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\'):
			i++
			b.WriteByte(v[i])
		case c == '"':
			if i != len(v)-1 {
				return "", Errorf(KindInvalid, "the Idempotency-Key has data after its closing quote")
			}
			return b.String(), CheckIdempotencyKey(b.String())
		case c < ' ' || c >= 0x7f || c == '\\':
			return "", Errorf(KindInvalid, "the Idempotency-Key string holds a character a Structured Field string may not (position %d)", i)
		default:
			b.WriteByte(c)
		}
	}
	return "", Errorf(KindInvalid, "the Idempotency-Key string has no closing quote")
}

// fingerprint names a request by what it asks: a retry has the same one.
func fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

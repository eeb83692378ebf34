package incident

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// PostmortemState is where a postmortem is in its review.
type PostmortemState string

// The states of a postmortem. warroom drafts it when the incident closes;
// a person marks it reviewed, then published. Edits are allowed in every
// state (a published postmortem may still be corrected: each edit is a
// revision with its author).
const (
	PostmortemDraft     PostmortemState = "draft"
	PostmortemReviewed  PostmortemState = "reviewed"
	PostmortemPublished PostmortemState = "published"
)

// ParsePostmortemState reads a state name; anything else is a KindInvalid
// error that lists the names.
func ParsePostmortemState(s string) (PostmortemState, error) {
	switch st := PostmortemState(strings.ToLower(strings.TrimSpace(s))); st {
	case PostmortemDraft, PostmortemReviewed, PostmortemPublished:
		return st, nil
	}
	return "", Errorf(KindInvalid, "unknown postmortem state %q: use draft, reviewed or published", s)
}

// Postmortem is the write-up of a closed incident: its latest revision,
// its review state and where its stored copy is.
type Postmortem struct {
	IncidentID int64           `json:"-"`
	Key        string          `json:"incident"`
	Title      string          `json:"title"`    // the incident's, for lists
	Severity   Severity        `json:"severity"` // the incident's, for lists
	State      PostmortemState `json:"state"`
	Revision   int             `json:"revision"` // the latest revision's number, from 1
	Body       string          `json:"body"`     // the latest revision's Markdown
	EditedBy   string          `json:"edited_by"`
	EditedAt   time.Time       `json:"edited_at"`
	SHA256     string          `json:"sha256"` // of Body
	CreatedAt  time.Time       `json:"created_at"`
	ReviewedBy string          `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time      `json:"reviewed_at,omitempty"`
	// StoredRevision is the revision last stored in the ticket system (or
	// kept in warroom, see StoredIn) and read back with an equal SHA-256;
	// 0 while none is.
	StoredRevision int        `json:"stored_revision"`
	StoredIn       string     `json:"stored_in,omitempty"` // "ticket", or why it is kept in warroom only
	StoredAt       *time.Time `json:"stored_at,omitempty"`
}

// PostmortemRevision is one saved text of a postmortem, with who saved it
// and when. Revision 1 is warroom's draft.
type PostmortemRevision struct {
	N      int       `json:"revision"`
	Body   string    `json:"body"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	SHA256 string    `json:"sha256"`
}

// PostmortemFilter narrows the review list.
type PostmortemFilter struct {
	State    PostmortemState // "" means draft
	Severity []Severity      // any of these; empty means all
	Limit    int             // 0 means 100
}

// PostmortemReader reads postmortems; the store implements it.
type PostmortemReader interface {
	// Postmortem returns the incident's postmortem at its latest revision,
	// or a KindNotFound error when none is drafted yet.
	Postmortem(ctx context.Context, incidentID int64) (*Postmortem, error)
	// PostmortemRevisions returns every revision, oldest first.
	PostmortemRevisions(ctx context.Context, incidentID int64) ([]PostmortemRevision, error)
	// Postmortems lists the postmortems in f.State of incidents of any of
	// f.Severity, oldest first (by when they were drafted, then key).
	Postmortems(ctx context.Context, f PostmortemFilter) ([]*Postmortem, error)
}

// PostmortemTx writes postmortems inside a write transaction.
type PostmortemTx interface {
	// AddPostmortemRevision appends rev to the incident's postmortem. rev.N
	// must be one past the latest revision (1 creates the postmortem, in
	// state draft); otherwise someone saved meanwhile and it returns a
	// KindConflict *Error and writes nothing.
	AddPostmortemRevision(ctx context.Context, incidentID int64, rev PostmortemRevision) error
	// SetPostmortemState records a review: the new state, by whom, when.
	// A KindNotFound error when there is no postmortem.
	SetPostmortemState(ctx context.Context, incidentID int64, st PostmortemState, by string, at time.Time) error
	// Postmortem reads the incident's postmortem for update, or returns a
	// KindNotFound error when none is drafted yet.
	Postmortem(ctx context.Context, incidentID int64) (*Postmortem, error)
	// MarkPostmortemStored records that revision n is stored and verified
	// (where: "ticket", or why it is kept in warroom only). An older
	// revision than the one recorded changes nothing.
	MarkPostmortemStored(ctx context.Context, incidentID int64, n int, where string, at time.Time) error
}

// Digest is the hex SHA-256 of b: the hash postmortems and the archive's
// documents are verified by.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// maxPostmortem bounds a postmortem's text.
const maxPostmortem = 256 << 10

// CheckPostmortemBody is the one rule for a postmortem's text: not empty,
// at most 256 KiB.
func CheckPostmortemBody(body string) error {
	if strings.TrimSpace(body) == "" {
		return Errorf(KindInvalid, "the postmortem is empty: write its text (the draft's sections are a start)")
	}
	if len(body) > maxPostmortem {
		return Errorf(KindInvalid, "the postmortem is %d bytes long; the limit is %d KiB", len(body), maxPostmortem>>10)
	}
	return nil
}

// StaleEdit is the conflict of an edit based on a revision that is no
// longer the latest: it names whose change to look at.
func StaleEdit(key string, base int, latest PostmortemRevision) error {
	return Errorf(KindConflict, "the postmortem of %s changed since you opened it: you edited revision %d, but revision %d was saved by %s at %s; look at their change, then make yours on top of it",
		key, base, latest.N, latest.Author, latest.At.UTC().Format("2006-01-02 15:04:05 UTC"))
}

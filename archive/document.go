package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"

	"github.com/warroom/warroom/incident"
)

// Digest is the hex SHA-256 of b, the hash the archive is verified by
// (incident.Digest, which the postmortem's revisions are hashed with).
func Digest(b []byte) string { return incident.Digest(b) }

// Hasher is an io.Writer that sums what passes through it with the
// archive's hash; one copy of the rule for stores and ticket systems.
type Hasher struct {
	h hash.Hash
	n int64
}

// NewHasher starts a digest.
func NewHasher() *Hasher { return &Hasher{h: sha256.New()} }

// Write implements io.Writer.
func (h *Hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.h.Write(p)
}

// Sum is the hex digest and the byte count so far.
func (h *Hasher) Sum() (string, int64) { return hex.EncodeToString(h.h.Sum(nil)), h.n }

// hashingReader hashes what it reads and, at the end, fills in the
// document's size and digest.
type hashingReader struct {
	r io.Reader
	h *Hasher
	d *Document
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	if err == io.EOF {
		r.d.SHA256, r.d.Size = r.h.Sum()
	}
	return n, err
}

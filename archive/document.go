package archive

import (
	"crypto/sha256"
	"encoding/hex"
)

func newDocument(format, name, contentType string, content []byte) Document {
	return Document{Format: format, Name: name, ContentType: contentType, Content: content, SHA256: Digest(content)}
}

// Digest is the hex SHA-256 of b, the hash the archive is verified by.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

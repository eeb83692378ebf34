//go:build !unix

package sqlite

// freeBytes is not known here: the readiness check skips the disk.
func freeBytes(string) (uint64, bool) { return 0, false }

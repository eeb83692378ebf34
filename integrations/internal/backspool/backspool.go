// Package backspool keeps records on disk in the order a history walk
// reads them (newest first, walking back) and gives them back oldest
// first, so that an adapter can read a channel once and still hand the
// transcript its messages in order, with memory flat in the channel's size.
package backspool

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// Spool is a temporary file of records.
type Spool struct {
	f   *os.File
	w   *bufio.Writer
	n   int
	end int64
}

// New creates a spool in dir ("" for the system's temporary directory).
func New(dir string) (*Spool, error) {
	f, err := os.CreateTemp(dir, "warroom-history-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file for the history: %w (set TMPDIR to a writable directory)", err)
	}
	return &Spool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// Len is the number of records written.
func (s *Spool) Len() int { return s.n }

// Add appends a record: its bytes, then their length.
func (s *Spool) Add(rec []byte) error {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(rec)))
	s.w.Write(rec)
	if _, err := s.w.Write(n[:]); err != nil {
		return fmt.Errorf("write the history's temporary file: %w", err)
	}
	s.n++
	s.end += int64(len(rec)) + 4
	return nil
}

// Reverse calls fn for every record, the last added first. The slice is
// reused between calls.
func (s *Spool) Reverse(fn func(rec []byte) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write the history's temporary file: %w", err)
	}
	var buf []byte
	var n [4]byte
	for pos := s.end; pos > 0; {
		if _, err := s.f.ReadAt(n[:], pos-4); err != nil {
			return fmt.Errorf("read the history's temporary file: %w", err)
		}
		size := int64(binary.LittleEndian.Uint32(n[:]))
		pos -= 4 + size
		if pos < 0 {
			return fmt.Errorf("the history's temporary file is damaged")
		}
		if int64(cap(buf)) < size {
			buf = make([]byte, size)
		}
		buf = buf[:size]
		if _, err := s.f.ReadAt(buf, pos); err != nil && err != io.EOF {
			return fmt.Errorf("read the history's temporary file: %w", err)
		}
		if err := fn(buf); err != nil {
			return err
		}
	}
	return nil
}

// Close removes the file.
func (s *Spool) Close() error {
	s.f.Close()
	return os.Remove(s.f.Name())
}

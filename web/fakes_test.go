package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// The web layer's other collaborators, in memory, each as its interface's
// doc comment states.

// memSessions keeps sessions as Sessions states: a session made under
// another token fingerprint, or expired, is not found; a flash is read once.
type memSessions struct {
	mu   sync.Mutex
	rows map[string]*memSession
}

type memSession struct {
	user, csrf, tokenFP string
	expires             time.Time
	flashKind, flash    string
}

func newMemSessions() *memSessions { return &memSessions{rows: map[string]*memSession{}} }

func (m *memSessions) CreateSession(_ context.Context, idHash, user, csrf, tokenFP string, _, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[idHash] = &memSession{user: user, csrf: csrf, tokenFP: tokenFP, expires: expires}
	return nil
}

func (m *memSessions) Session(_ context.Context, idHash, tokenFP string, now time.Time) (string, string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.rows[idHash]
	if s == nil || s.tokenFP != tokenFP || !now.Before(s.expires) {
		return "", "", false, incident.Errorf(incident.KindNotFound, "no such session")
	}
	return s.user, s.csrf, s.flash != "", nil
}

func (m *memSessions) DeleteSession(_ context.Context, idHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.rows, idHash)
	return nil
}

func (m *memSessions) SetFlash(_ context.Context, idHash, kind, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.rows[idHash]; s != nil {
		s.flashKind, s.flash = kind, text
	}
	return nil
}

func (m *memSessions) TakeFlash(_ context.Context, idHash string) (string, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.rows[idHash]
	if s == nil {
		return "", "", nil
	}
	kind, text := s.flashKind, s.flash
	s.flashKind, s.flash = "", ""
	return kind, text, nil
}

// count is the number of sessions stored.
func (m *memSessions) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.rows)
}

// fakeRooms is the builtin chat as the channel pages see it.
type fakeRooms struct {
	mu    sync.Mutex
	now   func() time.Time
	rooms []Room
	lines map[string][]Line
	files map[string][]byte // by file ID
	said  []Line
}

func newFakeRooms(now func() time.Time) *fakeRooms {
	return &fakeRooms{now: now, lines: map[string][]Line{}, files: map[string][]byte{}}
}

func (c *fakeRooms) addRoom(r Room, lines ...Line) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rooms = append(c.rooms, r)
	c.lines[r.ID] = append(c.lines[r.ID], lines...)
}

func (c *fakeRooms) Backend() string { return "builtin" }

func (c *fakeRooms) Rooms(context.Context) ([]Room, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Room(nil), c.rooms...), nil
}

func (c *fakeRooms) Room(_ context.Context, id string) (Room, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.rooms {
		if r.ID == id {
			return r, nil
		}
	}
	return Room{}, incident.Errorf(incident.KindNotFound, "no channel %s", id)
}

func (c *fakeRooms) Lines(_ context.Context, roomID string) ([]Line, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Line(nil), c.lines[roomID]...), nil
}

func (c *fakeRooms) Line(_ context.Context, roomID, id string) (Line, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lines[roomID] {
		if l.ID == id {
			return l, nil
		}
	}
	return Line{}, incident.Errorf(incident.KindNotFound, "no message %s in %s", id, roomID)
}

func (c *fakeRooms) Say(_ context.Context, roomID, author, text, threadID string, files ...incident.File) (Line, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.TrimSpace(text) == "" && len(files) == 0 {
		return Line{}, incident.Errorf(incident.KindInvalid, "the message is empty")
	}
	l := Line{ID: "m" + string(rune('a'+len(c.said))), ThreadID: threadID, Author: author, Text: text, At: c.now()}
	for i, f := range files {
		id := l.ID + "-f" + string(rune('0'+i))
		c.files[id] = f.Data
		l.Files = append(l.Files, LineFile{ID: id, Name: f.Name, Type: f.Type, Size: int64(len(f.Data))})
	}
	c.lines[roomID] = append(c.lines[roomID], l)
	c.said = append(c.said, l)
	return l, nil
}

func (c *fakeRooms) File(_ context.Context, roomID, fileID string) (LineFile, []byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lines[roomID] {
		for _, f := range l.Files {
			if f.ID == fileID {
				return f, c.files[fileID], nil
			}
		}
	}
	return LineFile{}, nil, incident.Errorf(incident.KindNotFound, "no file %s in %s", fileID, roomID)
}

// takeSaid returns the messages posted since the last take.
func (c *fakeRooms) takeSaid() []Line {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.said
	c.said = nil
	return out
}

// fakeTranscripts holds stored documents by incident ID.
type fakeTranscripts struct {
	mu   sync.Mutex
	docs map[int64][]archive.Stored
}

// add stores a document with content, its size and digest as the store
// records them.
func (t *fakeTranscripts) add(incidentID int64, format, name, contentType, content string, verified *time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.docs == nil {
		t.docs = map[int64][]archive.Stored{}
	}
	sum := sha256.Sum256([]byte(content))
	t.docs[incidentID] = append(t.docs[incidentID], archive.Stored{Document: archive.Document{
		Format: format, Name: name, ContentType: contentType, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil },
	}, VerifiedAt: verified, Placement: archive.PlacementTicket})
}

func (t *fakeTranscripts) Transcripts(_ context.Context, incidentID int64) ([]archive.Stored, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]archive.Stored(nil), t.docs[incidentID]...), nil
}

// fakeJobs is the job store's operator view: a fixed list, and retries
// recorded (a job that is not parked is a KindConflict, a missing one
// KindNotFound, as the SQLite store answers).
type fakeJobs struct {
	mu      sync.Mutex
	jobs    []incident.Job
	counts  []incident.JobCount
	err     error // what JobStats answers instead, when set
	retried []int64
}

func (j *fakeJobs) Jobs(_ context.Context, incidentID int64, state incident.JobState) ([]incident.Job, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []incident.Job
	for _, job := range j.jobs {
		if (incidentID == 0 || job.IncidentID == incidentID) && (state == "" || job.State == state) {
			out = append(out, job)
		}
	}
	return out, nil
}

func (j *fakeJobs) RetryParked(_ context.Context, id int64, _ time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, job := range j.jobs {
		if job.ID != id {
			continue
		}
		if job.State != incident.JobParked {
			return incident.Errorf(incident.KindConflict, "job %d is %s, not parked", id, job.State)
		}
		j.jobs[i].State = incident.JobPending
		j.retried = append(j.retried, id)
		return nil
	}
	return incident.Errorf(incident.KindNotFound, "no job %d", id)
}

func (j *fakeJobs) JobStats(context.Context) ([]incident.JobCount, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return nil, j.err
	}
	return append([]incident.JobCount(nil), j.counts...), nil
}

// fakeReady answers /readyz with err.
type fakeReady struct {
	mu  sync.Mutex
	err error
}

func (r *fakeReady) set(err error) { r.mu.Lock(); r.err = err; r.mu.Unlock() }

func (r *fakeReady) Ready(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

var errStoreDown = errors.New("database is locked")

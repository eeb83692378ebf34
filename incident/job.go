package incident

import (
	"encoding/json"
	"time"
)

// JobKind names a kind of durable job; a handler is registered per kind.
type JobKind string

// The kinds of job that carry warroom's outside side effects.
const (
	JobOpenChannel     JobKind = "channel.open"   // create the incident's channel
	JobPost            JobKind = "chat.post"      // post a message into it
	JobSyncChannel     JobKind = "channel.sync"   // bring its header and status post up to date
	JobOpenTicket      JobKind = "ticket.open"    // open the incident's ticket
	JobBuildTranscript JobKind = "archive.build"  // read the channel and render the transcript
	JobStoreTranscript JobKind = "archive.store"  // store it in the ticket system and verify it
	JobDeleteChannel   JobKind = "channel.delete" // delete the channel after the verified store
)

// JobState is where a job is in its life.
type JobState string

// The job states. A parked job ran out of attempts or failed for good; it
// keeps its last error and can be retried by an operator.
const (
	JobPending JobState = "pending"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobParked  JobState = "parked"
)

// Job is one outside side effect, persisted in the same transaction as the
// state change that caused it. Jobs of one incident run in the order they
// were enqueued; Key makes enqueueing idempotent.
type Job struct {
	ID          int64           `json:"id"`
	Kind        JobKind         `json:"kind"`
	IncidentID  int64           `json:"incident_id"`
	Key         string          `json:"key"`
	Payload     json.RawMessage `json:"payload,omitempty"`
	State       JobState        `json:"state"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	RunAt       time.Time       `json:"run_at"`
	LastError   string          `json:"last_error,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// NewJob builds a job for an incident. key must be unique for what the job
// does (for example "INC-4/post/ack"), so that a repeat enqueue is a no-op.
func NewJob(kind JobKind, incidentID int64, key string, payload any) (Job, error) {
	var raw json.RawMessage
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return Job{}, Errorf(KindInternal, "encode %s job payload: %w", kind, err)
		}
		raw = b
	}
	return Job{Kind: kind, IncidentID: incidentID, Key: key, Payload: raw, State: JobPending}, nil
}

// Lane groups the jobs of one incident that must run in order. Chat work and
// ticket work run in separate lanes so that a ticket system outage never
// holds up the channel.
func (k JobKind) Lane() string {
	switch k {
	case JobOpenTicket, JobStoreTranscript, JobTicketComment, JobCloseTicket:
		return "ticket"
	case JobUpstreamAck, JobPageUpdate:
		return "upstream"
	case JobPageStep:
		return "escalation"
	case JobPageNotify:
		return "notify"
	default:
		return "chat"
	}
}

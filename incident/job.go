package incident

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// JobKind names a kind of durable job; a handler is registered per kind.
type JobKind string

// The archive's kinds of job (package archive runs them); each other part
// declares and registers its own beside its handlers (ChatEffects,
// TicketSync, UpstreamAcks, incident/escalation).
const (
	JobBuildTranscript JobKind = "archive.build"  // read the channel and render the transcript
	JobStoreTranscript JobKind = "archive.store"  // store it in the ticket system and verify it
	JobDeleteChannel   JobKind = "channel.delete" // delete the channel after the verified store
	// The postmortem's: the first draft, once the transcript is built, and
	// the store of a revision in the ticket system, read back and verified.
	JobDraftPostmortem JobKind = "postmortem.draft"
	JobStorePostmortem JobKind = "postmortem.store"
)

// The backends jobs talk to. Concurrency limits, backend-wide 429 pauses
// and the automatic resume of parked jobs go by backend.
const (
	BackendChat       = "chat"       // Mattermost, Rocket.Chat or the builtin chat
	BackendTickets    = "tickets"    // Jira or the builtin tickets
	BackendPaging     = "paging"     // PagerDuty, page webhooks, direct messages
	BackendUpstream   = "upstream"   // the alert's source (Icinga 2 acknowledgements)
	BackendPrometheus = "prometheus" // graphs
	BackendInternal   = "internal"   // warroom's own scheduling (escalation steps)
)

// KindSpec is what warroom knows about a kind of job: the lane its jobs
// keep their order in, the backend they talk to, and how long one attempt
// may run.
type KindSpec struct {
	Lane    string
	Backend string
	Timeout time.Duration
}

// defaultJobTimeout bounds one attempt of a kind that names no timeout.
const defaultJobTimeout = 2 * time.Minute

// jobKinds is the one registry of job kinds: config validation
// (jobs.paused, jobs.limits), the runner, the metrics and the store all
// read it. A handler for a kind not listed here is refused. Each part adds
// its kinds with RegisterKind from an init beside its handlers; the
// archive's are listed here.
var jobKinds = map[JobKind]KindSpec{
	JobBuildTranscript: {Lane: "chat", Backend: BackendChat, Timeout: 15 * time.Minute}, // a long channel
	JobDeleteChannel:   {Lane: "chat", Backend: BackendChat},
	JobStoreTranscript: {Lane: "ticket", Backend: BackendTickets, Timeout: 15 * time.Minute}, // many attachments
	JobDraftPostmortem: {Lane: "postmortem", Backend: BackendInternal},
	JobStorePostmortem: {Lane: "postmortem", Backend: BackendTickets},
}

// RegisterKind adds a kind of job to the registry; call it from the
// init of the part that runs the kind, before any runner or config check
// reads the registry. It panics on a kind registered twice
// or without a lane or backend: two parts must not share a kind.
func RegisterKind(k JobKind, s KindSpec) {
	if _, dup := jobKinds[k]; dup {
		panic(fmt.Sprintf("job kind %q is registered twice", k))
	}
	if k == "" || s.Lane == "" || s.Backend == "" {
		panic(fmt.Sprintf("job kind %q needs a name, a lane and a backend", k))
	}
	jobKinds[k] = s
}

// JobKinds lists every kind of job, sorted.
func JobKinds() []JobKind {
	out := make([]JobKind, 0, len(jobKinds))
	for k := range jobKinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// JobBackends lists the backends jobs talk to, sorted.
func JobBackends() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range jobKinds {
		if !seen[s.Backend] {
			seen[s.Backend] = true
			out = append(out, s.Backend)
		}
	}
	sort.Strings(out)
	return out
}

// Spec returns what warroom knows about the kind; ok is false for a kind
// that is not registered.
func (k JobKind) Spec() (s KindSpec, ok bool) {
	s, ok = jobKinds[k]
	if s.Timeout == 0 {
		s.Timeout = defaultJobTimeout
	}
	if !ok {
		s.Lane, s.Backend = "chat", BackendInternal
	}
	return s, ok
}

// Lane groups the jobs of one incident that must run in order. Chat work and
// ticket work run in separate lanes so that a ticket system outage never
// holds up the channel.
func (k JobKind) Lane() string { s, _ := k.Spec(); return s.Lane }

// Backend is the outside system the kind's jobs talk to.
func (k JobKind) Backend() string { s, _ := k.Spec(); return s.Backend }

// JobState is where a job is in its life.
type JobState string

// The job states. A parked job failed for good or for longer than the
// runner's maximum age; it keeps its last error and can be retried by an
// operator (transient ones resume by themselves when their backend answers).
const (
	JobPending JobState = "pending"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobParked  JobState = "parked"
)

// JobStates lists the states in the order of a job's life.
func JobStates() []JobState { return []JobState{JobPending, JobRunning, JobDone, JobParked} }

// Failure classifies why a job failed, which decides how it is retried.
type Failure string

// The failure classes. A transient failure (5xx, 429, timeout, refused
// connection) retries until the runner's maximum age and, once parked,
// resumes when its backend answers again; a permanent one (401, 403, 404,
// invalid) parks at once; an unclassified one retries a bounded number of
// times, as it is more likely a bug than an outage.
const (
	FailureTransient Failure = "transient"
	FailurePermanent Failure = "permanent"
	FailureInternal  Failure = "internal"
)

// Job is one outside side effect, persisted in the same transaction as the
// state change that caused it. Jobs of one incident and lane run in the
// order they were enqueued; Key makes enqueueing idempotent.
type Job struct {
	ID           int64           `json:"id"`
	Kind         JobKind         `json:"kind"`
	Backend      string          `json:"backend"`
	IncidentID   int64           `json:"incident_id"`
	Key          string          `json:"key"`
	Payload      json.RawMessage `json:"payload,omitempty"`
	State        JobState        `json:"state"`
	Attempts     int             `json:"attempts"`
	MaxAttempts  int             `json:"max_attempts"`
	RunAt        time.Time       `json:"run_at"`
	LastError    string          `json:"last_error,omitempty"`
	Failure      Failure         `json:"failure,omitempty"`       // why it last failed, while failing or parked
	FailingSince *time.Time      `json:"failing_since,omitempty"` // first failure of the current run of failures
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	// Token fences the current claim: it grows with every claim, and only
	// the holder of the newest may record the job's outcome.
	Token int64 `json:"-"`
}

// Lease names one claim of a job: its ID and the claim's fencing token.
type Lease struct {
	ID    int64
	Token int64
}

// Lease returns the claim this copy of the job was handed out under.
func (j Job) Lease() Lease { return Lease{ID: j.ID, Token: j.Token} }

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
	return Job{Kind: kind, Backend: kind.Backend(), IncidentID: incidentID, Key: key, Payload: raw, State: JobPending}, nil
}

// JobCount is how many jobs are in one state, of one kind and backend,
// failing in one way ("" when not failing).
type JobCount struct {
	State   JobState `json:"state"`
	Kind    JobKind  `json:"kind"`
	Backend string   `json:"backend"`
	Failure Failure  `json:"failure,omitempty"`
	N       int      `json:"n"`
}

// Failing reports whether the counted jobs are being retried after a
// failure: pending until their next try, or running it (a retry in progress
// is still failing, so a gauge of them does not flicker during an outage).
func (c JobCount) Failing() bool {
	return c.Failure != "" && (c.State == JobPending || c.State == JobRunning)
}

package incident

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Incident is one thing going wrong, with its own channel and record.
type Incident struct {
	ID          int64             `json:"-"`                   // store identity; Key is derived from it
	Key         string            `json:"key"`                 // human key, e.g. INC-42
	Title       string            `json:"title"`               // one line
	Summary     string            `json:"summary"`             // a paragraph or more, Markdown
	Severity    Severity          `json:"severity"`            // how bad
	Status      Status            `json:"status"`              // where in the lifecycle
	StatusMsg   string            `json:"status_message"`      // the latest free-text status update
	Source      string            `json:"source"`              // alertmanager, api, chat, jira, ...
	DedupKey    string            `json:"dedup_key,omitempty"` // correlation key, e.g. Alertmanager's groupKey
	Labels      map[string]string `json:"labels"`              // labels of the alert group or given by hand
	Links       []Link            `json:"links"`               // runbook, graphs, dashboards, silence
	Queries     []string          `json:"graph_queries"`       // PromQL graphed for the incident
	Commander   string            `json:"commander"`           // who leads the response
	Channel     ChannelRef        `json:"channel"`             // the incident's chat channel, empty until opened
	Ticket      TicketRef         `json:"ticket"`              // the incident's ticket, empty until opened
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	AckedAt     *time.Time        `json:"acked_at"`
	AckedBy     string            `json:"acked_by"`
	ResolvedAt  *time.Time        `json:"resolved_at"`
	ClosedAt    *time.Time        `json:"closed_at"`
	ClosedBy    string            `json:"closed_by"`
	CloseReason string            `json:"close_reason"`
	ArchivedAt  *time.Time        `json:"archived_at"`
	// Parent is the key of the incident this one is attached to (a storm
	// grouped into one response); "" when it stands alone.
	Parent string `json:"parent,omitempty"`
	// Children are the keys of the incidents attached to this one, oldest
	// first; not stored: Service.Get fills them in (grouping.go).
	Children []string `json:"children,omitempty"`
	// Roles names who holds which role besides the commander (for example
	// comms, scribe): role name to user name.
	Roles map[string]string `json:"roles,omitempty"`
	// Durations measure the incident at the time the API answered
	// (DurationsOf); the API sets them, the store does not keep them.
	Durations *Durations `json:"durations,omitempty"`
}

// Link is a labelled URL shown with the incident.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// ChannelRef says where an incident's channel lives.
type ChannelRef struct {
	Backend string `json:"backend"` // builtin, mattermost, rocketchat
	ID      string `json:"id"`
	Name    string `json:"name"`
	URL     string `json:"url"`
}

// Empty reports whether no channel has been opened.
func (c ChannelRef) Empty() bool { return c.ID == "" }

// TicketRef says where an incident's ticket lives.
type TicketRef struct {
	Backend string `json:"backend"` // builtin, jira
	Key     string `json:"key"`
	URL     string `json:"url"`
}

// Empty reports whether no ticket has been opened.
func (t TicketRef) Empty() bool { return t.Key == "" }

// KeyPrefix is the prefix of every incident key.
const KeyPrefix = "INC-"

// FormatKey turns a store ID into a human key.
func FormatKey(id int64) string { return KeyPrefix + strconv.FormatInt(id, 10) }

// ParseKey turns a human key (INC-42, inc-42 or 42) into a store ID.
func ParseKey(key string) (int64, error) {
	k := strings.TrimSpace(key)
	if len(k) >= len(KeyPrefix) && strings.EqualFold(k[:len(KeyPrefix)], KeyPrefix) {
		k = k[len(KeyPrefix):]
	}
	id, err := strconv.ParseInt(k, 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(KindInvalid, "%q is not an incident key: keys look like %s42", key, KeyPrefix)
	}
	return id, nil
}

// Validate checks the fields a person or a source must get right.
func (inc *Incident) Validate() error {
	if strings.TrimSpace(inc.Title) == "" {
		return Errorf(KindInvalid, "title is required: say in one line what is wrong")
	}
	if len(inc.Title) > 200 {
		return Errorf(KindInvalid, "title is %d bytes long; keep it under 200 and put details in the summary", len(inc.Title))
	}
	if len(inc.Summary) > 64<<10 {
		return Errorf(KindInvalid, "summary is %d bytes long; the limit is 64 KiB", len(inc.Summary))
	}
	if !inc.Severity.Valid() {
		return Errorf(KindInvalid, "severity is missing or unknown: use one of %s", strings.Join(SeverityNames(), ", "))
	}
	return nil
}

// String is the key and title, for logs and messages.
func (inc *Incident) String() string { return fmt.Sprintf("%s %s", inc.Key, inc.Title) }

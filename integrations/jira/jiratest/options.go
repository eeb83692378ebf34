package jiratest

import (
	"time"
)

// Status categories, the only status property code should rely on: status
// names differ from one workflow to the next.
const (
	CategoryNew           = "new"
	CategoryIndeterminate = "indeterminate"
	CategoryDone          = "done"
)

// Options configures a fake Jira. The zero value gives one project, OPS,
// with the issue types Incident and Task, the five standard priorities, the workflow
// To Do → In Progress → Done, and a bot user "incident-bot" that logs in
// with basic auth and the password "incident-bot-token".
type Options struct {
	ProjectKey  string   // the main project's key (id 10000); default "OPS"
	ProjectName string   // default "Operations"
	IssueTypes  []string // default Incident, Task
	// Projects are more projects beside the main one; default none.
	Projects   []Project
	Priorities []string // default Highest, High, Medium, Low, Lowest
	// DefaultPriority is what an issue created without a priority gets;
	// default "Medium", or the middle of Priorities.
	DefaultPriority string
	Resolutions     []string // default Done, Won't Do, Duplicate

	// Statuses of the workflow; the first is where new issues start.
	// Default: To Do (new), In Progress (indeterminate), Done (done).
	Statuses []Status
	// Transitions of the workflow. Default, by current status:
	// To Do: Start Progress (11) → In Progress, Done (21) → Done;
	// In Progress: Done (31) → Done, Stop Progress (41) → To Do;
	// Done: Reopen (51) → To Do.
	Transitions []Transition

	// User is the account the service logs in as (default "incident-bot"),
	// shown as DisplayName (default "Incident Bot").
	User        string
	DisplayName string
	// Token is User's password or API token for basic auth. PAT is a
	// personal access token for "Authorization: Bearer", which also logs in
	// as User. When both are empty, Token is "incident-bot-token".
	Token string
	PAT   string
	// CaptchaAfter, when positive, makes Jira demand a CAPTCHA after that
	// many failed basic-auth logins in a row: from then on every basic-auth
	// request gets 403 with X-Authentication-Denied-Reason, as Data Center
	// does.
	CaptchaAfter int
	// Users are the other people known to Jira. Unknown user names given to
	// CreateIssueAsUser and friends are added on the fly.
	Users []User

	// LinkTypes are the issue link types; default DefaultLinkTypes.
	LinkTypes []LinkType

	// MaxAttachmentBytes is the per-file attachment limit; default 10 MiB.
	MaxAttachmentBytes int64
	// MaxSearchResults caps maxResults on search, echoed back capped as
	// Jira does; default 100.
	MaxSearchResults int
	// IssueWriteLimit, when positive, is how many writes (comment,
	// attachment, transition, edit, remote link) one issue accepts per
	// IssueWriteWindow (default 1s); more get 429 with Retry-After, like
	// Cloud's per-issue write limit.
	IssueWriteLimit  int
	IssueWriteWindow time.Duration

	// Now is the clock; default time.Now. Location is the server's time
	// zone for timestamps; default UTC.
	Now      func() time.Time
	Location *time.Location
}

// Status is a workflow status.
type Status struct {
	ID       string
	Name     string
	Category string // CategoryNew, CategoryIndeterminate or CategoryDone
}

// Transition is a workflow transition.
type Transition struct {
	ID   string
	Name string
	// From lists the status names the transition starts from; empty makes it
	// a global transition, available from every status but To.
	From []string
	To   string
	// Fields are the fields on the transition's screen, by field id, true
	// when required. Only fields listed here may be set while transitioning;
	// "resolution" is the one with a meaning here. Without a screen, a
	// transition into a done status sets the resolution to the first of
	// Options.Resolutions, as a post function would.
	Fields map[string]bool
	// EventType is the webhook's issue_event_type_name; default
	// "issue_generic".
	EventType string
}

// User is a Jira Data Center user.
type User struct {
	Name        string // the login name
	Key         string // default JIRAUSER1xxxx
	DisplayName string // default Name
	Email       string // default Name@example.com
}

// DefaultStatuses is the workflow's statuses when Options.Statuses is empty.
func DefaultStatuses() []Status {
	return []Status{
		{ID: "10000", Name: "To Do", Category: CategoryNew},
		{ID: "3", Name: "In Progress", Category: CategoryIndeterminate},
		{ID: "10001", Name: "Done", Category: CategoryDone},
	}
}

// DefaultTransitions is the workflow's transitions when Options.Transitions
// is empty. Two different transitions are named "Done", with different ids,
// so code that hard-codes a transition id breaks here as it would in Jira.
func DefaultTransitions() []Transition {
	return []Transition{
		{ID: "11", Name: "Start Progress", From: []string{"To Do"}, To: "In Progress"},
		{ID: "21", Name: "Done", From: []string{"To Do"}, To: "Done"},
		{ID: "31", Name: "Done", From: []string{"In Progress"}, To: "Done"},
		{ID: "41", Name: "Stop Progress", From: []string{"In Progress"}, To: "To Do"},
		{ID: "51", Name: "Reopen", From: []string{"Done"}, To: "To Do"},
	}
}

// withDefaults fills in what o leaves empty; it copies slices so a test
// changing its Options afterwards does not change the server.
func (o Options) withDefaults() Options {
	if o.ProjectKey == "" {
		o.ProjectKey = "OPS"
	}
	if o.ProjectName == "" {
		o.ProjectName = "Operations"
	}
	o.IssueTypes = orDefault(o.IssueTypes, []string{"Incident", "Task"})
	o.Priorities = orDefault(o.Priorities, []string{"Highest", "High", "Medium", "Low", "Lowest"})
	if o.DefaultPriority == "" {
		o.DefaultPriority = o.Priorities[len(o.Priorities)/2]
	}
	o.Resolutions = orDefault(o.Resolutions, []string{"Done", "Won't Do", "Duplicate"})
	o.Statuses = orDefault(o.Statuses, DefaultStatuses())
	o.Transitions = orDefault(o.Transitions, DefaultTransitions())
	o.LinkTypes = orDefault(o.LinkTypes, DefaultLinkTypes())
	for i := range o.Transitions {
		tr := &o.Transitions[i]
		tr.From = append([]string(nil), tr.From...)
		fields := make(map[string]bool, len(tr.Fields))
		for k, v := range tr.Fields {
			fields[k] = v
		}
		tr.Fields = fields
		if tr.EventType == "" {
			tr.EventType = "issue_generic"
		}
	}
	if o.User == "" {
		o.User = "incident-bot"
	}
	if o.DisplayName == "" {
		o.DisplayName = "Incident Bot"
	}
	if o.Token == "" && o.PAT == "" {
		o.Token = "incident-bot-token"
	}
	o.Users = append([]User(nil), o.Users...)
	o.Projects = append([]Project(nil), o.Projects...)
	for i := range o.Projects {
		o.Projects[i].IssueTypes = append([]string(nil), o.Projects[i].IssueTypes...)
	}
	if o.MaxAttachmentBytes <= 0 {
		o.MaxAttachmentBytes = 10 << 20
	}
	if o.MaxSearchResults <= 0 {
		o.MaxSearchResults = 100
	}
	if o.IssueWriteWindow <= 0 {
		o.IssueWriteWindow = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return o
}

func orDefault[T any](v, def []T) []T {
	if len(v) == 0 {
		return def
	}
	return append([]T(nil), v...)
}

package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Silences is Alertmanager's silences API as the domain needs it
// (integrations/alertmanager implements it). Errors are kinds: a refusal
// of the silence itself (4xx) is KindPermanent or KindInvalid, an outage
// KindTransient.
type Silences interface {
	// Create makes the silence and returns its ID. A silence whose comment
	// already holds s.Marker (an earlier attempt that made it) is adopted:
	// its ID is returned and nothing new is made.
	Create(ctx context.Context, s Silence) (string, error)
	// Expire ends the silence with that ID; one already expired or gone is
	// done.
	Expire(ctx context.Context, id string) error
}

// Silence is one silence to make.
type Silence struct {
	Matchers  []Matcher
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedBy string
	Comment   string // the incident's key and link, then Marker
	Marker    string // unique per request: how a retry finds what it made
}

// Matcher is one label matcher of a silence: name="value", name!="value",
// name=~"regex" or name!~"regex".
type Matcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"isRegex"`
	IsEqual bool   `json:"isEqual"`
}

// String writes the matcher as it is typed.
func (m Matcher) String() string {
	op := map[[2]bool]string{{false, true}: "=", {false, false}: "!=", {true, true}: "=~", {true, false}: "!~"}[[2]bool{m.IsRegex, m.IsEqual}]
	return m.Name + op + strconv.Quote(m.Value)
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// matcherHelp is what every refused matcher says to type instead.
const matcherHelp = `write matchers like instance="db-1:9100", or with =~, != and !~ (job=~"node|db", env!="dev")`

// ParseMatcher reads one typed matcher, refusing anything else with what
// to type instead.
func ParseMatcher(s string) (Matcher, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return Matcher{}, Errorf(KindInvalid, "%q is not a matcher: %s", s, matcherHelp)
	}
	m := Matcher{Name: s[:i]}
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "=~"):
		m.IsRegex, m.IsEqual, rest = true, true, rest[2:]
	case strings.HasPrefix(rest, "!~"):
		m.IsRegex, rest = true, rest[2:]
	case strings.HasPrefix(rest, "!="):
		rest = rest[2:]
	case strings.HasPrefix(rest, "="):
		m.IsEqual, rest = true, rest[1:]
	default:
		return Matcher{}, Errorf(KindInvalid, "%q is not a matcher: %s", s, matcherHelp)
	}
	if !labelName.MatchString(m.Name) {
		return Matcher{}, Errorf(KindInvalid, "%q is not a label name (letters, digits and _, not first a digit): %s", m.Name, matcherHelp)
	}
	if strings.HasPrefix(rest, `"`) {
		v, err := strconv.Unquote(rest)
		if err != nil {
			return Matcher{}, Errorf(KindInvalid, "the value of %q is not one quoted string: %s", s, matcherHelp)
		}
		rest = v
	}
	m.Value = rest
	if m.IsRegex {
		if _, err := regexp.Compile("^(?:" + m.Value + ")$"); err != nil {
			return Matcher{}, Errorf(KindInvalid, "%q: %q is not a regular expression (%v): %s", s, m.Value, err, matcherHelp)
		}
	}
	return m, nil
}

// splitMatchers splits typed matchers at spaces outside quotes.
func splitMatchers(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && quoted:
			escaped = true
		case r == '"':
			quoted = !quoted
		case (r == ' ' || r == '\t') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if quoted {
		return nil, Errorf(KindInvalid, "a quote is not closed in %q: %s", s, matcherHelp)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

// durationHelp is what a refused duration says to type instead.
const durationHelp = "write a duration like 30m, 2h or 1d (at most 30d)"

// maxSilence bounds a silence or downtime made from chat: longer ones are
// most likely a typo and silence the group for good.
const maxSilence = 30 * 24 * time.Hour

// ParseLength reads the duration of a silence or downtime: Go's forms
// (30m, 2h, 1h30m) and whole days (1d, 7d), positive, at most 30 days.
func ParseLength(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if days, err = strconv.Atoi(n); err == nil {
			d = time.Duration(days) * 24 * time.Hour
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, Errorf(KindInvalid, "%q is not a duration: %s", s, durationHelp)
	case d <= 0:
		return 0, Errorf(KindInvalid, "%q is not longer than nothing: %s", s, durationHelp)
	case d > maxSilence:
		return 0, Errorf(KindInvalid, "%q is longer than 30 days: %s", s, durationHelp)
	}
	return d, nil
}

// silenceRequest is what "/incident silence <duration> [matcher…]" asks for.
type silenceRequest struct {
	Length   time.Duration
	Matchers []Matcher
}

// parseSilence reads the silence command's argument; without matchers the
// incident's group labels are the matchers.
func parseSilence(arg string, inc *Incident) (silenceRequest, error) {
	words, err := splitMatchers(arg)
	if err != nil {
		return silenceRequest{}, err
	}
	if len(words) == 0 {
		return silenceRequest{}, Errorf(KindInvalid, "silence needs a duration: /incident silence 2h, or with matchers: /incident silence 2h instance=\"db-1:9100\"")
	}
	var req silenceRequest
	if req.Length, err = ParseLength(words[0]); err != nil {
		return silenceRequest{}, err
	}
	for _, w := range words[1:] {
		m, err := ParseMatcher(w)
		if err != nil {
			return silenceRequest{}, err
		}
		req.Matchers = append(req.Matchers, m)
	}
	if len(req.Matchers) == 0 {
		for _, k := range sortedKeys(groupLabels(inc)) {
			req.Matchers = append(req.Matchers, Matcher{Name: k, Value: groupLabels(inc)[k], IsEqual: true})
		}
	}
	if len(req.Matchers) == 0 {
		return silenceRequest{}, Errorf(KindInvalid, "%s has no alert labels to silence by: name them, e.g. /incident silence 2h alertname=\"HighLatency\"", inc.Key)
	}
	return req, nil
}

// groupLabels are the labels that identify an incident's alert group: for
// Alertmanager the group labels its groupKey ends with
// ("{route}:{alertname=\"X\", cluster=\"eu1\"}"), else (or when the group
// has none) the labels all its alerts share.
func groupLabels(inc *Incident) map[string]string {
	if inc.Source == "alertmanager" {
		if i := strings.LastIndex(inc.DedupKey, ":{"); i >= 0 && strings.HasSuffix(inc.DedupKey, "}") {
			if got, ok := parseLabelSet(inc.DedupKey[i+1:]); ok && len(got) > 0 {
				return got
			}
		}
	}
	return inc.Labels
}

// parseLabelSet reads {a="b", c="d"} as Alertmanager writes group labels.
func parseLabelSet(s string) (map[string]string, bool) {
	body := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	out := map[string]string{}
	for strings.TrimSpace(body) != "" {
		body = strings.TrimLeft(body, " ,")
		name, rest, ok := strings.Cut(body, "=")
		if !ok || !labelName.MatchString(name) {
			return nil, false
		}
		v, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil, false
		}
		out[name], _ = strconv.Unquote(v)
		body = rest[len(v):]
	}
	return out, true
}

// The silences' timeline events.
const (
	EventSilenced       EventKind = "silenced"        // a silence made from chat exists in Alertmanager
	EventSilenceRefused EventKind = "silence_refused" // Alertmanager refused it: nothing was made
	EventSilenceExpired EventKind = "silence_expired" // unsilenced from chat
)

// The silences' jobs, in their own lane: an Alertmanager outage holds no
// chat work. Their backend is the alert's source, like Icinga 2's acks.
const (
	JobSilenceCreate JobKind = "silence.create"
	JobSilenceExpire JobKind = "silence.expire"
)

func init() {
	RegisterKind(JobSilenceCreate, KindSpec{Lane: "alertmanager", Backend: BackendUpstream})
	RegisterKind(JobSilenceExpire, KindSpec{Lane: "alertmanager", Backend: BackendUpstream})
}

// silencePayload is a silence.create or silence.expire job's payload.
type silencePayload struct {
	Actor    string    `json:"actor"`
	Matchers []Matcher `json:"matchers,omitempty"`
	StartsAt time.Time `json:"starts_at,omitzero"`
	EndsAt   time.Time `json:"ends_at,omitzero"`
	ID       string    `json:"id,omitempty"` // the silence to expire
}

// SilenceEffects makes and ends silences from chat as durable jobs.
type SilenceEffects struct {
	life      *Service
	silences  Silences
	publicURL string
}

// RegisterJobs gives the runner the silences' handlers.
func (e *SilenceEffects) RegisterJobs(r *Runner) {
	r.Handle(JobSilenceCreate, e.runCreate)
	r.Handle(JobSilenceExpire, e.runExpire)
}

// errNoSilences parks a silence job queued while Alertmanager's API was
// configured, run by a warroom where it is not.
var errNoSilences = Errorf(KindPermanent, "%s", noSilences)

func (e *SilenceEffects) runCreate(ctx context.Context, j Job) error {
	if e.silences == nil {
		return errNoSilences
	}
	var p silencePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode silence.create payload: %w", err)
	}
	inc, err := e.life.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	marker := "warroom:" + j.Key
	id, err := e.silences.Create(ctx, Silence{Matchers: p.Matchers, StartsAt: p.StartsAt, EndsAt: p.EndsAt, CreatedBy: p.Actor,
		Comment: inc.Key + " " + e.publicURL + "/incidents/" + inc.Key + " (" + marker + ")", Marker: marker})
	what := formatMatchers(p.Matchers)
	switch k := ErrorKind(err); {
	case err == nil:
		text := fmt.Sprintf("🔕 @%s silenced %s in Alertmanager until %s (silence %s). Undo: /incident unsilence %s",
			p.Actor, what, p.EndsAt.UTC().Format("2006-01-02 15:04 MST"), id, id)
		return e.record(ctx, inc, Event{Kind: EventSilenced, Actor: p.Actor, Text: text, Ref: id}, j.Key)
	case k == KindPermanent || k == KindInvalid:
		text := fmt.Sprintf("⚠️ Alertmanager refused the silence of %s asked by @%s, so none was made: %s. Type instead, e.g.: "+
			"/incident silence 2h alertname=\"%s\" (%s)", what, p.Actor, ErrorMessage(err), firstValue(p.Matchers, inc), matcherHelp)
		return e.record(ctx, inc, Event{Kind: EventSilenceRefused, Actor: p.Actor, Text: text, Ref: j.Key}, j.Key)
	}
	return fmt.Errorf("create the silence of %s for %s: %w", what, inc.Key, err)
}

func (e *SilenceEffects) runExpire(ctx context.Context, j Job) error {
	if e.silences == nil {
		return errNoSilences
	}
	var p silencePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode silence.expire payload: %w", err)
	}
	inc, err := e.life.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	err = e.silences.Expire(ctx, p.ID)
	switch k := ErrorKind(err); {
	case err == nil:
		return e.record(ctx, inc, Event{Kind: EventSilenceExpired, Actor: p.Actor, Text: fmt.Sprintf("🔔 @%s ended silence %s in Alertmanager.", p.Actor, p.ID), Ref: p.ID}, j.Key)
	case k == KindPermanent || k == KindInvalid:
		text := fmt.Sprintf("⚠️ Alertmanager refused to end silence %s for @%s: %s. Type /incident silences for the IDs of this incident's silences.", p.ID, p.Actor, ErrorMessage(err))
		return e.record(ctx, inc, Event{Kind: EventSilenceRefused, Actor: p.Actor, Text: text, Ref: j.Key}, j.Key)
	}
	return fmt.Errorf("end silence %s for %s: %w", p.ID, inc.Key, err)
}

// record puts the outcome on the timeline and posts it in the channel,
// once (the event's ref and the post's key are the request's).
func (e *SilenceEffects) record(ctx context.Context, inc *Incident, ev Event, jobKey string) error {
	return e.life.Update(ctx, func(tx Txn) error {
		if err := tx.Record(ctx, inc, ev, false); err != nil {
			return err
		}
		return enqueuePost(ctx, tx, inc, PostSpec{Text: ev.Text}, jobKey+"/post")
	})
}

func formatMatchers(ms []Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// firstValue is an alertname to show in an example: the incident's.
func firstValue(ms []Matcher, inc *Incident) string {
	if v := inc.Labels["alertname"]; v != "" {
		return v
	}
	for _, m := range ms {
		if m.Name == "alertname" {
			return m.Value
		}
	}
	return "HighLatency"
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/warroom/warroom/incident"
)

// IncidentColumns are the incidents table's columns in the order
// ScanIncident reads them and IncidentArgs (without id) writes them.
const IncidentColumns = `id, title, summary, severity, status, status_msg, source, dedup_key, labels, links,
	commander, channel_backend, channel_id, channel_name, channel_url, ticket_backend, ticket_key, ticket_url,
	created_at, updated_at, acked_at, acked_by, resolved_at, closed_at, closed_by, close_reason, archived_at, graph_queries,
	parent_id, roles`

// ActiveByDedup is the WHERE of a live incident of a dedup key. It repeats
// the partial index incidents_active_dedup term by term, so that SQLite
// uses it: without dedup_key <> ” it cannot and scans every incident ever
// opened.
const ActiveByDedup = `source = ? AND dedup_key = ? AND dedup_key <> '' AND status IN ('open', 'acked', 'resolved')`

// plusColumns scans a row's extra columns after the ones asked for.
type plusColumns struct {
	row   scanner
	extra []any
}

func (p plusColumns) Scan(dest ...any) error { return p.row.Scan(append(dest, p.extra...)...) }

// ScanIncident reads a row of IncidentColumns.
func ScanIncident(row interface{ Scan(dest ...any) error }) (*incident.Incident, error) {
	var inc incident.Incident
	var sev, status, labels, links, queries, roles string
	var parent sql.NullInt64
	var created, updated int64
	var acked, resolved, closed, archived sql.NullInt64
	err := row.Scan(&inc.ID, &inc.Title, &inc.Summary, &sev, &status, &inc.StatusMsg, &inc.Source, &inc.DedupKey,
		&labels, &links, &inc.Commander, &inc.Channel.Backend, &inc.Channel.ID, &inc.Channel.Name, &inc.Channel.URL,
		&inc.Ticket.Backend, &inc.Ticket.Key, &inc.Ticket.URL, &created, &updated, &acked, &inc.AckedBy,
		&resolved, &closed, &inc.ClosedBy, &inc.CloseReason, &archived, &queries,
		&parent, &roles)
	if err != nil {
		return nil, err
	}
	inc.Key = incident.FormatKey(inc.ID)
	if inc.Severity, err = incident.ParseSeverity(sev); err != nil {
		return nil, fmt.Errorf("incident %d: %w", inc.ID, err)
	}
	inc.Status = incident.Status(status)
	for _, f := range []struct {
		what string
		raw  string
		into any
	}{{"labels", labels, &inc.Labels}, {"links", links, &inc.Links}, {"graph queries", queries, &inc.Queries}, {"roles", roles, &inc.Roles}} {
		if err := json.Unmarshal([]byte(f.raw), f.into); err != nil {
			return nil, fmt.Errorf("incident %d %s: %w", inc.ID, f.what, err)
		}
	}
	if len(inc.Roles) == 0 {
		inc.Roles = nil
	}
	if parent.Valid {
		inc.Parent = incident.FormatKey(parent.Int64)
	}
	inc.CreatedAt, inc.UpdatedAt = fromNanos(created), fromNanos(updated)
	inc.AckedAt, inc.ResolvedAt, inc.ClosedAt, inc.ArchivedAt = nullTime(acked), nullTime(resolved), nullTime(closed), nullTime(archived)
	return &inc, nil
}

// IncidentArgs are the values of IncidentColumns but id, for an insert or
// an update.
func IncidentArgs(inc *incident.Incident) ([]any, error) {
	var encoded [4]string
	for i, v := range []any{nonNilMap(inc.Labels), nonNilSlice(inc.Links), nonNilSlice(inc.Queries), nonNilMap(inc.Roles)} {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		encoded[i] = string(raw)
	}
	var parent any
	if inc.Parent != "" {
		id, err := incident.ParseKey(inc.Parent)
		if err != nil {
			return nil, fmt.Errorf("incident %s parent: %w", inc.Key, err)
		}
		parent = id
	}
	return []any{inc.Title, inc.Summary, inc.Severity.String(), string(inc.Status), inc.StatusMsg, inc.Source, inc.DedupKey,
		encoded[0], encoded[1], inc.Commander, inc.Channel.Backend, inc.Channel.ID, inc.Channel.Name, inc.Channel.URL,
		inc.Ticket.Backend, inc.Ticket.Key, inc.Ticket.URL, nanos(inc.CreatedAt), nanos(inc.UpdatedAt), timeArg(inc.AckedAt), inc.AckedBy,
		timeArg(inc.ResolvedAt), timeArg(inc.ClosedAt), inc.ClosedBy, inc.CloseReason, timeArg(inc.ArchivedAt), encoded[2],
		parent, encoded[3]}, nil
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// GetIncident reads the one incident where matches, or returns a
// KindNotFound error.
func GetIncident(ctx context.Context, q Queryer, where string, args ...any) (*incident.Incident, error) {
	return SelectIncident(ctx, q, "", nil, where, args...)
}

// SelectIncident reads one incident and, after its columns, the extra
// columns (", expr, …") into extra.
func SelectIncident(ctx context.Context, q Queryer, columns string, extra []any, where string, args ...any) (*incident.Incident, error) {
	row := q.QueryRowContext(ctx, `SELECT `+IncidentColumns+columns+` FROM incidents WHERE `+where, args...)
	inc, err := ScanIncident(plusColumns{row, extra})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "no such incident")
	}
	if err != nil {
		return nil, fmt.Errorf("read incident: %w", err)
	}
	return inc, nil
}

// Incident returns one incident by ID.
func Incident(ctx context.Context, q Queryer, id int64) (*incident.Incident, error) {
	inc, err := GetIncident(ctx, q, `id = ?`, id)
	if incident.ErrorKind(err) == incident.KindNotFound {
		return nil, incident.Errorf(incident.KindNotFound, "incident %s does not exist; list incidents with GET /api/v1/incidents", incident.FormatKey(id))
	}
	return inc, err
}

// IncidentByChannel returns the incident whose channel this is.
func IncidentByChannel(ctx context.Context, q Queryer, backend, channelID string) (*incident.Incident, error) {
	if channelID == "" {
		return nil, incident.Errorf(incident.KindNotFound, "no channel given")
	}
	return GetIncident(ctx, q, `channel_backend = ? AND channel_id = ? ORDER BY id DESC LIMIT 1`, backend, channelID)
}

// LiveIncidentHolding reads the live incident of the dedup key and whether
// its timeline holds every one of refs, in one statement and without a
// lock.
func LiveIncidentHolding(ctx context.Context, q Queryer, source, dedupKey string, refs []incident.EventRef) (*incident.Incident, bool, error) {
	held := "0"
	args := make([]any, 0, 2*len(refs)+2)
	if len(refs) > 0 {
		held = `(SELECT count(*) FROM events e WHERE e.incident_id = incidents.id AND e.ref IS NOT NULL AND (` +
			strings.TrimSuffix(strings.Repeat(`(e.kind = ? AND e.ref = ?) OR `, len(refs)), " OR ") + `))`
		for _, r := range refs {
			args = append(args, string(r.Kind), r.Ref)
		}
	}
	var n int
	inc, err := SelectIncident(ctx, q, ", "+held, []any{&n}, ActiveByDedup, append(args, source, dedupKey)...)
	if err != nil {
		return nil, false, err
	}
	return inc, n == len(refs), nil
}

// Incidents lists incidents, newest first. The list's q matches a
// substring of the key, title, summary, labels, timeline and Markdown
// transcript, ignoring the case of ASCII letters.
func (d Dialect) Incidents(ctx context.Context, q Queryer, f incident.Filter) ([]*incident.Incident, error) {
	var where []string
	var args []any
	if len(f.Status) > 0 {
		marks := make([]string, len(f.Status))
		for i, st := range f.Status {
			marks[i] = "?"
			args = append(args, string(st))
		}
		where = append(where, "status IN ("+strings.Join(marks, ",")+")")
	}
	if f.Parent != "" {
		id, err := incident.ParseKey(f.Parent)
		if err != nil {
			return nil, err
		}
		where = append(where, "parent_id = ?")
		args = append(args, id)
	}
	if f.Source != "" {
		where = append(where, "source = ?")
		args = append(args, f.Source)
	}
	if text := strings.TrimSpace(f.Query); text != "" {
		like := "%" + escapeLike(text) + "%"
		where = append(where, strings.NewReplacer("LIKE", d.like(), "DOC", d.docText()).Replace(
			`(title LIKE ? ESCAPE '\' OR summary LIKE ? ESCAPE '\' OR labels LIKE ? ESCAPE '\'
			OR ('INC-' || id) LIKE ? ESCAPE '\'
			OR id IN (SELECT incident_id FROM events WHERE text LIKE ? ESCAPE '\')
			OR id IN (SELECT incident_id FROM transcripts WHERE format = 'md' AND DOC LIKE ? ESCAPE '\'))`))
		args = append(args, like, like, like, like, like, like)
	}
	query := `SELECT ` + IncidentColumns + ` FROM incidents`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	query += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, f.Offset)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	out := []*incident.Incident{}
	for rows.Next() {
		inc, err := ScanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, rows.Err()
}

// like is the dialect's LIKE that ignores the case of ASCII letters.
func (d Dialect) like() string {
	if d.CaseFreeLike != "" {
		return d.CaseFreeLike
	}
	return "LIKE"
}

// docText is a stored transcript's content (bytes) as text.
func (d Dialect) docText() string {
	if d.ContentText != "" {
		return d.ContentText
	}
	return "CAST(content AS TEXT)"
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

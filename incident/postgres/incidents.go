package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// queryer is what q offers.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const incidentColumns = `id, title, summary, severity, status, status_msg, source, dedup_key, labels, links,
	commander, channel_backend, channel_id, channel_name, channel_url, ticket_backend, ticket_key, ticket_url,
	created_at, updated_at, acked_at, acked_by, resolved_at, closed_at, closed_by, close_reason, archived_at, graph_queries,
	parent_id, roles`

type scanner interface{ Scan(dest ...any) error }

// plusColumns scans a row's extra columns after the ones asked for.
type plusColumns struct {
	row   scanner
	extra []any
}

func (p plusColumns) Scan(dest ...any) error { return p.row.Scan(append(dest, p.extra...)...) }

func scanIncident(row scanner) (*incident.Incident, error) {
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
	if err := json.Unmarshal([]byte(labels), &inc.Labels); err != nil {
		return nil, fmt.Errorf("incident %d labels: %w", inc.ID, err)
	}
	if err := json.Unmarshal([]byte(links), &inc.Links); err != nil {
		return nil, fmt.Errorf("incident %d links: %w", inc.ID, err)
	}
	if err := json.Unmarshal([]byte(queries), &inc.Queries); err != nil {
		return nil, fmt.Errorf("incident %d graph queries: %w", inc.ID, err)
	}
	if err := json.Unmarshal([]byte(roles), &inc.Roles); err != nil {
		return nil, fmt.Errorf("incident %d roles: %w", inc.ID, err)
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

func incidentArgs(inc *incident.Incident) ([]any, error) {
	labels, err := json.Marshal(nonNilMap(inc.Labels))
	if err != nil {
		return nil, err
	}
	links := inc.Links
	if links == nil {
		links = []incident.Link{}
	}
	linksJSON, err := json.Marshal(links)
	if err != nil {
		return nil, err
	}
	queries := inc.Queries
	if queries == nil {
		queries = []string{}
	}
	queriesJSON, err := json.Marshal(queries)
	if err != nil {
		return nil, err
	}
	rolesJSON, err := json.Marshal(nonNilMap(inc.Roles))
	if err != nil {
		return nil, err
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
		string(labels), string(linksJSON), inc.Commander, inc.Channel.Backend, inc.Channel.ID, inc.Channel.Name, inc.Channel.URL,
		inc.Ticket.Backend, inc.Ticket.Key, inc.Ticket.URL, nanos(inc.CreatedAt), nanos(inc.UpdatedAt), timePtr(inc.AckedAt), inc.AckedBy,
		timePtr(inc.ResolvedAt), timePtr(inc.ClosedAt), inc.ClosedBy, inc.CloseReason, timePtr(inc.ArchivedAt), string(queriesJSON),
		parent, string(rolesJSON)}, nil
}

func getIncident(ctx context.Context, q queryer, where string, args ...any) (*incident.Incident, error) {
	return selectIncident(ctx, q, "", nil, where, args...)
}

// selectIncident reads one incident and, after its columns, the extra
// columns (", expr, …") into extra.
func selectIncident(ctx context.Context, q queryer, columns string, extra []any, where string, args ...any) (*incident.Incident, error) {
	row := q.QueryRowContext(ctx, `SELECT `+incidentColumns+columns+` FROM incidents WHERE `+where, args...)
	inc, err := scanIncident(plusColumns{row, extra})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "no such incident")
	}
	if err != nil {
		return nil, fmt.Errorf("read incident: %w", err)
	}
	return inc, nil
}

// Incident returns one incident by ID.
func (s *DB) Incident(ctx context.Context, id int64) (*incident.Incident, error) {
	inc, err := getIncident(ctx, s.q(), `id = ?`, id)
	if incident.ErrorKind(err) == incident.KindNotFound {
		return nil, incident.Errorf(incident.KindNotFound, "incident %s does not exist; list incidents with GET /api/v1/incidents", incident.FormatKey(id))
	}
	return inc, err
}

// IncidentByChannel returns the incident whose channel this is.
func (s *DB) IncidentByChannel(ctx context.Context, backend, channelID string) (*incident.Incident, error) {
	if channelID == "" {
		return nil, incident.Errorf(incident.KindNotFound, "no channel given")
	}
	return getIncident(ctx, s.q(), `channel_backend = ? AND channel_id = ? ORDER BY id DESC LIMIT 1`, backend, channelID)
}

// Incidents lists incidents, newest first.
func (s *DB) Incidents(ctx context.Context, f incident.Filter) ([]*incident.Incident, error) {
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
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		// ILIKE: SQLite's LIKE ignores the case of ASCII letters.
		where = append(where, `(title ILIKE ? ESCAPE '\' OR summary ILIKE ? ESCAPE '\' OR labels ILIKE ? ESCAPE '\'
			OR ('INC-' || id) ILIKE ? ESCAPE '\'
			OR id IN (SELECT incident_id FROM events WHERE text ILIKE ? ESCAPE '\')
			OR id IN (SELECT incident_id FROM transcripts WHERE format = 'md' AND convert_from(content, 'UTF8') ILIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like, like, like, like)
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	query += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, f.Offset)
	rows, err := s.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	out := []*incident.Incident{}
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

func timePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixNano()
}

func nullTime(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

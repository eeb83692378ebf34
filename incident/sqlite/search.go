package sqlite

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Search finds incidents through the FTS5 index (migration 0010): the
// newest incident.SearchWindow places that match and pass the filters
// (read in rowid order, so the work is bounded however common the word)
// are ranked by incident.RankSearch, which answers each incident once, at
// its best place, with a snippet of it.
func (s *DB) Search(ctx context.Context, q incident.SearchQuery) ([]incident.SearchHit, error) {
	match, err := ftsMatch(q.Terms)
	if err != nil {
		return nil, err
	}
	where, args := searchFilters(q)
	// Not from the statement cache: the SQL varies with the filters.
	rows, err := s.rdb.QueryContext(ctx, `SELECT u.incident_id, u.field, u.ref, u.body
		FROM search_fts f JOIN search_units u ON u.id = f.rowid`+joinIncidents(where)+`
		WHERE search_fts MATCH ?`+where+`
		ORDER BY f.rowid DESC LIMIT `+fmt.Sprint(incident.SearchWindow), append([]any{match}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var cands []incident.SearchCandidate
	for rows.Next() {
		var c incident.SearchCandidate
		if err := rows.Scan(&c.IncidentID, &c.Field, &c.Ref, &c.Body); err != nil {
			rows.Close()
			return nil, err
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	limit, offset := incident.SearchPage(q)
	places := incident.RankSearch(q.Terms, cands, limit, offset)
	if len(places) == 0 {
		return []incident.SearchHit{}, nil
	}
	ids := make([]any, len(places))
	for i, p := range places {
		ids[i] = p.IncidentID
	}
	incs, err := s.incidentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return incident.SearchHits(places, incs), nil
}

func (s *DB) incidentsByID(ctx context.Context, ids []any) (map[int64]*incident.Incident, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id IN (`+marks(len(ids))+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search: read incidents: %w", err)
	}
	defer rows.Close()
	out := map[int64]*incident.Incident{}
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out[inc.ID] = inc
	}
	return out, rows.Err()
}

// ftsMatch writes the terms as an FTS5 query: each word a quoted string
// (its characters never read as FTS5 syntax), a phrase's words in one
// string, a prefix's last word followed by *, the terms ANDed.
func ftsMatch(terms []incident.SearchTerm) (string, error) {
	if len(terms) == 0 {
		return "", incident.Errorf(incident.KindInvalid, "the search has no words: give q")
	}
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		if len(t.Words) == 0 {
			return "", incident.Errorf(incident.KindInvalid, "a search term has no words")
		}
		p := `"` + strings.ReplaceAll(strings.Join(t.Words, " "), `"`, `""`) + `"`
		if t.Prefix {
			p += " *"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " AND "), nil
}

// searchFilters are the query's filters on incidents i, as SQL that
// follows a WHERE clause, and their arguments.
func searchFilters(q incident.SearchQuery) (string, []any) {
	var b strings.Builder
	var args []any
	if len(q.Status) > 0 {
		b.WriteString(" AND i.status IN (" + marks(len(q.Status)) + ")")
		for _, st := range q.Status {
			args = append(args, string(st))
		}
	}
	if len(q.Severity) > 0 {
		b.WriteString(" AND i.severity IN (" + marks(len(q.Severity)) + ")")
		for _, sev := range q.Severity {
			args = append(args, sev.String())
		}
	}
	if q.Source != "" {
		b.WriteString(" AND i.source = ?")
		args = append(args, q.Source)
	}
	if q.Commander != "" {
		b.WriteString(" AND i.commander = ?")
		args = append(args, q.Commander)
	}
	keys := make([]string, 0, len(q.Labels))
	for k := range q.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" AND EXISTS (SELECT 1 FROM json_each(i.labels) WHERE key = ? AND value = ?)")
		args = append(args, k, q.Labels[k])
	}
	if !q.From.IsZero() {
		b.WriteString(" AND i.created_at >= ?")
		args = append(args, nanos(q.From))
	}
	if !q.To.IsZero() {
		b.WriteString(" AND i.created_at < ?")
		args = append(args, nanos(q.To))
	}
	return b.String(), args
}

// joinIncidents joins the incidents when the filters read them.
func joinIncidents(where string) string {
	if where == "" {
		return ""
	}
	return " JOIN incidents i ON i.id = u.incident_id"
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

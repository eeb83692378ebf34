package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Search finds incidents through the tsvector index (migration 0008): the
// newest incident.SearchWindow places that match and pass the filters are
// ranked by incident.RankSearch (the rule SQLite's store uses too), which
// answers each incident once, at its best place, with a snippet of it.
func (s *DB) Search(ctx context.Context, sq incident.SearchQuery) ([]incident.SearchHit, error) {
	query, err := tsQuery(sq.Terms)
	if err != nil {
		return nil, err
	}
	cands, err := s.searchWindow(ctx, query, sq)
	if err != nil {
		return nil, err
	}
	limit, offset := incident.SearchPage(sq)
	places := incident.RankSearch(sq.Terms, cands, limit, offset)
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

// searchSpan is how many of the newest places the first look covers.
const searchSpan = 16384

// searchWindow reads the newest incident.SearchWindow matching places.
// GIN hands out matches in no order, and PostgreSQL, asked for the newest
// by id, walks the primary key backwards testing each row, which reads the
// whole table for a rare or absent word (40 ms at 1,000 incidents). So
// the index is asked for the matches among the newest searchSpan places
// first (GIN and the id range; "id + 0" keeps the planner off the
// backward walk), then among 8 times as many, until the window is full or
// the range covers every place: a common word is answered from the first
// span, a rare one after a few index lookups.
func (s *DB) searchWindow(ctx context.Context, query string, sq incident.SearchQuery) ([]incident.SearchCandidate, error) {
	var top int64
	if err := s.q().QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM search_units`).Scan(&top); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	where, args := searchFilters(sq)
	for span := int64(searchSpan); ; span *= 8 {
		from := top - span
		rows, err := s.q().QueryContext(ctx, `SELECT u.incident_id, u.field, u.ref, u.body
			FROM search_units u`+joinIncidents(where)+`
			WHERE u.tsv @@ to_tsquery('simple', ?) AND u.id > ?`+where+`
			ORDER BY u.id + 0 DESC LIMIT `+fmt.Sprint(incident.SearchWindow), append([]any{query, from}, args...)...)
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
		if len(cands) >= incident.SearchWindow || from <= 0 {
			return cands, nil
		}
	}
}

func (s *DB) incidentsByID(ctx context.Context, ids []any) (map[int64]*incident.Incident, error) {
	rows, err := s.q().QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id IN (`+marks(len(ids))+`)`, ids...)
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

// tsQuery writes the terms as tsquery text: each word a quoted lexeme
// (words are letters and digits only, so nothing reads as tsquery
// syntax), a phrase's words joined by <->, a prefix's last word with :*,
// the terms ANDed.
func tsQuery(terms []incident.SearchTerm) (string, error) {
	if len(terms) == 0 {
		return "", incident.Errorf(incident.KindInvalid, "the search has no words: give q")
	}
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		if len(t.Words) == 0 {
			return "", incident.Errorf(incident.KindInvalid, "a search term has no words")
		}
		words := make([]string, len(t.Words))
		for i, w := range t.Words {
			words[i] = "'" + strings.ReplaceAll(w, "'", "''") + "'"
		}
		if t.Prefix {
			words[len(words)-1] += ":*"
		}
		p := strings.Join(words, " <-> ")
		if len(words) > 1 {
			p = "(" + p + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " & "), nil
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
		b.WriteString(" AND (i.labels::jsonb ->> ?::text) = ?")
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

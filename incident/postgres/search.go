package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// Search finds incidents through the tsvector index (migration 0008): the
// newest incident.SearchWindow places that match and pass the filters are
// ranked by incident.RankSearch (the rule SQLite's store uses too), which
// answers each incident once, at its best place, with a snippet of it.
// The places still queued (search_queue.go) are written first.
func (s *DB) Search(ctx context.Context, sq incident.SearchQuery) ([]incident.SearchHit, error) {
	query, qargs, err := tsQuery(sq.Terms)
	if err != nil {
		return nil, err
	}
	if err := s.indexQueuedAll(ctx); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	cands, err := s.searchWindow(ctx, query, qargs, sq)
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

// searchWindow reads the newest incident.SearchWindow matching places.
// The planner picks the walk itself: GIN for a rare or absent word, the
// primary key backwards for a common one (which stops after the window).
// Its GIN costs are right because the index has no pending list
// (fastupdate off, migration 0008): with one, every search read the list
// and the planner walked the whole table for a rare word (36 ms p50 at
// 1,000 incidents).
func (s *DB) searchWindow(ctx context.Context, query string, qargs []any, sq incident.SearchQuery) ([]incident.SearchCandidate, error) {
	where, args := searchFilters(sq)
	rows, err := s.q().QueryContext(ctx, `SELECT u.incident_id, u.field, u.ref, u.body
		FROM search_units u`+joinIncidents(where)+`
		WHERE u.tsv @@ `+query+where+`
		ORDER BY u.id DESC LIMIT `+fmt.Sprint(incident.SearchWindow), append(qargs, args...)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var cands []incident.SearchCandidate
	for rows.Next() {
		var c incident.SearchCandidate
		if err := rows.Scan(&c.IncidentID, &c.Field, &c.Ref, &c.Body); err != nil {
			return nil, err
		}
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return cands, nil
}

func (s *DB) incidentsByID(ctx context.Context, ids []any) (map[int64]*incident.Incident, error) {
	rows, err := s.q().QueryContext(ctx, `SELECT `+sqlstore.IncidentColumns+` FROM incidents WHERE id IN (`+marks(len(ids))+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search: read incidents: %w", err)
	}
	defer rows.Close()
	out := map[int64]*incident.Incident{}
	for rows.Next() {
		inc, err := sqlstore.ScanIncident(rows)
		if err != nil {
			return nil, err
		}
		out[inc.ID] = inc
	}
	return out, rows.Err()
}

// tsQuery writes the terms as a tsquery expression over its arguments,
// the terms ANDed: a term's words go through search_text (migration 0019),
// which folds and cuts them as the index's text is folded and cut, so
// cafe finds café and the reverse, then phraseto_tsquery, which joins
// them with <->; a prefix's last word is quoted by quote_literal and
// marked :*. No text of the query is read as tsquery syntax: the words
// are arguments, and what search_text leaves is letters, digits and
// spaces.
func tsQuery(terms []incident.SearchTerm) (string, []any, error) {
	if len(terms) == 0 {
		return "", nil, incident.Errorf(incident.KindInvalid, "the search has no words: give q")
	}
	parts := make([]string, 0, len(terms))
	var args []any
	for _, t := range terms {
		n := len(t.Words)
		if n == 0 {
			return "", nil, incident.Errorf(incident.KindInvalid, "a search term has no words")
		}
		if !t.Prefix {
			parts = append(parts, `phraseto_tsquery('simple', search_text(?))`)
			args = append(args, strings.Join(t.Words, " "))
			continue
		}
		p := `to_tsquery('simple', quote_literal(search_text(?)) || ':*')`
		if n > 1 {
			p = `tsquery_phrase(phraseto_tsquery('simple', search_text(?)), ` + p + `)`
			args = append(args, strings.Join(t.Words[:n-1], " "))
		}
		parts = append(parts, p)
		args = append(args, t.Words[n-1])
	}
	return "(" + strings.Join(parts, " && ") + ")", args, nil
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

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
// ranked by ts_rank times their place's weight, and each incident is
// answered once, at its best place, with a snippet of it (ts_headline).
func (s *DB) Search(ctx context.Context, sq incident.SearchQuery) ([]incident.SearchHit, error) {
	query, err := tsQuery(sq.Terms)
	if err != nil {
		return nil, err
	}
	where, args := searchFilters(sq)
	limit, offset := incident.SearchPage(sq)
	stmt := `WITH tq AS (SELECT to_tsquery('simple', ?) AS q),
	hits AS (
		SELECT u.id AS uid, u.incident_id AS iid, u.field, u.tsv
		FROM search_units u JOIN incidents i ON i.id = u.incident_id, tq
		WHERE u.tsv @@ tq.q` + where + `
		ORDER BY u.id DESC LIMIT ` + fmt.Sprint(incident.SearchWindow) + `),
	best AS (
		SELECT DISTINCT ON (iid) iid, uid, (ts_rank(tsv, tq.q) * ` + weightCase("field") + `)::float8 AS score
		FROM hits, tq ORDER BY iid, score DESC, uid DESC)
	SELECT iid, uid, score FROM best ORDER BY score DESC, iid DESC LIMIT ? OFFSET ?`
	rows, err := s.q().QueryContext(ctx, stmt, append(append([]any{query}, args...), limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var hits []incident.SearchHit
	var units, ids []any
	for rows.Next() {
		var h incident.SearchHit
		var iid, uid int64
		if err := rows.Scan(&iid, &uid, &h.Score); err != nil {
			rows.Close()
			return nil, err
		}
		h.Incident, h.Ref = &incident.Incident{ID: iid}, fmt.Sprint(uid)
		hits = append(hits, h)
		units, ids = append(units, uid), append(ids, iid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(hits) == 0 {
		return []incident.SearchHit{}, nil
	}
	places, err := s.snippets(ctx, query, units)
	if err != nil {
		return nil, err
	}
	incs, err := s.incidentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		p := places[hits[i].Ref]
		hits[i].Field, hits[i].Ref, hits[i].Snippet = p.field, p.ref, incident.SplitSnippet(p.snippet)
		hits[i].Incident = incs[hits[i].Incident.ID]
	}
	return hits, nil
}

type place struct {
	field   incident.SearchField
	ref     string
	snippet string
}

// headlineOptions mark matches as SplitSnippet reads them.
var headlineOptions = `StartSel="` + incident.SnippetOpen + `", StopSel="` + incident.SnippetClose +
	`", MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "`

func (s *DB) snippets(ctx context.Context, query string, units []any) (map[string]place, error) {
	rows, err := s.q().QueryContext(ctx, `SELECT u.id, u.field, u.ref, ts_headline('simple', u.body, to_tsquery('simple', ?), ?)
		FROM search_units u WHERE u.id IN (`+marks(len(units))+`)`, append([]any{query, headlineOptions}, units...)...)
	if err != nil {
		return nil, fmt.Errorf("search snippets: %w", err)
	}
	defer rows.Close()
	out := map[string]place{}
	for rows.Next() {
		var uid int64
		var p place
		if err := rows.Scan(&uid, &p.field, &p.ref, &p.snippet); err != nil {
			return nil, err
		}
		out[fmt.Sprint(uid)] = p
	}
	return out, rows.Err()
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

// weightCase is SQL for the weight of the place named by col.
func weightCase(col string) string {
	fields := make([]string, 0, len(incident.SearchWeights))
	for f := range incident.SearchWeights {
		fields = append(fields, string(f))
	}
	sort.Strings(fields)
	var b strings.Builder
	b.WriteString("(CASE " + col)
	for _, f := range fields {
		fmt.Fprintf(&b, " WHEN '%s' THEN %g", f, incident.SearchWeights[incident.SearchField(f)])
	}
	b.WriteString(" ELSE 1 END)")
	return b.String()
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

package sqlite

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Search finds incidents through the FTS5 index (migration 0010): the
// newest incident.SearchWindow places that match and pass the filters are
// ranked by bm25 times their place's weight, and each incident is answered
// once, at its best place, with a snippet of it.
func (s *DB) Search(ctx context.Context, q incident.SearchQuery) ([]incident.SearchHit, error) {
	match, err := ftsMatch(q.Terms)
	if err != nil {
		return nil, err
	}
	where, args := searchFilters(q)
	limit, offset := incident.SearchPage(q)
	query := `WITH hits AS (
		SELECT f.rowid AS uid, u.incident_id AS iid, -bm25(search_fts) * ` + weightCase("u.field") + ` AS score
		FROM search_fts f JOIN search_units u ON u.id = f.rowid JOIN incidents i ON i.id = u.incident_id
		WHERE search_fts MATCH ?` + where + `
		ORDER BY f.rowid DESC LIMIT ` + fmt.Sprint(incident.SearchWindow) + `)
	SELECT iid, uid, max(score) AS best FROM hits GROUP BY iid ORDER BY best DESC, iid DESC LIMIT ? OFFSET ?`
	// Not from the statement cache: the SQL varies with the filters.
	rows, err := s.rdb.QueryContext(ctx, query, append(append([]any{match}, args...), limit, offset)...)
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
		h.Incident = &incident.Incident{ID: iid}
		h.Ref = fmt.Sprint(uid) // the unit until its place is read
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
	places, err := s.snippets(ctx, match, units)
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

// snippets reads the place and a snippet of each unit hit.
func (s *DB) snippets(ctx context.Context, match string, units []any) (map[string]place, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT f.rowid, u.field, u.ref,
		snippet(search_fts, 0, '`+incident.SnippetOpen+`', '`+incident.SnippetClose+`', '…', 24)
		FROM search_fts f JOIN search_units u ON u.id = f.rowid
		WHERE search_fts MATCH ? AND f.rowid IN (`+marks(len(units))+`)`, append([]any{match}, units...)...)
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

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
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
	cands, err := s.searchWindow(ctx, match, q)
	if err != nil {
		return nil, err
	}
	limit, offset := incident.SearchPage(q)
	places := incident.RankSearch(q.Terms, cands, limit, offset)
	if len(places) == 0 {
		return []incident.SearchHit{}, nil
	}
	if err := s.placeRefs(ctx, places); err != nil {
		return nil, err
	}
	ids := make([]int64, len(places))
	for i, p := range places {
		ids[i] = p.IncidentID
	}
	incs, err := s.incidentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return incident.SearchHits(places, incs), nil
}

// searchFields are the places' fields in the order of their codes in
// searchWindow's rows.
var searchFields = []incident.SearchField{incident.FieldTitle, incident.FieldSummary, incident.FieldLabels,
	incident.FieldTimeline, incident.FieldTranscript}

// fieldCode is SQL for the code of u.field in searchFields.
var fieldCode = func() string {
	var b strings.Builder
	b.WriteString("CASE u.field")
	for i, f := range searchFields {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", f, i)
	}
	b.WriteString(" END")
	return b.String()
}()

// searchWindow reads the newest incident.SearchWindow matching places
// that pass the filters, with what ranking needs and no more: each row's
// columns cost more than its text (modernc takes the connection's mutex
// for every column read), so a row is the place's ID, its incident and
// field in one integer (incident*8 + the field's code) and its body; the
// refs are read for the page's places alone (placeRefs).
func (s *DB) searchWindow(ctx context.Context, match string, q incident.SearchQuery) ([]incident.SearchCandidate, error) {
	where, args := searchFilters(q)
	query := `SELECT f.rowid, u.incident_id * 8 + ` + fieldCode + `, u.body
		FROM search_fts f JOIN search_units u ON u.id = f.rowid` + joinIncidents(where) + `
		WHERE search_fts MATCH ?` + where + `
		ORDER BY f.rowid DESC LIMIT ` + fmt.Sprint(incident.SearchWindow)
	// Without filters the SQL is always the same, and prepared once (the
	// statement cache); with them it varies with the filters' values
	// (how many statuses, which labels), so it is prepared each time
	// rather than kept.
	var rows *sql.Rows
	var err error
	if where == "" {
		rows, err = reader{s}.QueryContext(ctx, query, match)
	} else {
		rows, err = s.rdb.QueryContext(ctx, query, append([]any{match}, args...)...)
	}
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var cands []incident.SearchCandidate
	for rows.Next() {
		var c incident.SearchCandidate
		var code sql.NullInt64
		if err := rows.Scan(&c.Unit, &code, &c.Body); err != nil {
			return nil, err
		}
		if !code.Valid || code.Int64&7 >= int64(len(searchFields)) {
			return nil, fmt.Errorf("search: place %d has a field the index does not know", c.Unit)
		}
		c.IncidentID, c.Field = code.Int64>>3, searchFields[code.Int64&7]
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return cands, nil
}

// placeRefs reads the refs of the page's places (the event's or message's
// ID) in one query. A place gone since the window was read (its
// transcript written again) keeps no ref: its hit links to the incident.
func (s *DB) placeRefs(ctx context.Context, places []incident.RankedPlace) error {
	units := make([]int64, len(places))
	for i, p := range places {
		units[i] = p.Unit
	}
	list, err := json.Marshal(units)
	if err != nil {
		return err
	}
	rows, err := reader{s}.QueryContext(ctx, `SELECT id, ref FROM search_units WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return fmt.Errorf("search: read refs: %w", err)
	}
	defer rows.Close()
	refs := make(map[int64]string, len(places))
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return err
		}
		refs[id] = ref
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search: read refs: %w", err)
	}
	for i := range places {
		places[i].Ref = refs[places[i].Unit]
	}
	return nil
}

// incidentsByID reads the page's incidents in one query, whose SQL is the
// same for every page (the IDs go as one JSON array), so prepared once.
func (s *DB) incidentsByID(ctx context.Context, ids []int64) (map[int64]*incident.Incident, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := reader{s}.QueryContext(ctx, `SELECT `+sqlstore.IncidentColumns+` FROM incidents WHERE id IN (SELECT value FROM json_each(?))`, string(list))
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

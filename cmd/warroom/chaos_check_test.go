package main

import (
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// The chaos test's checks read the database the replicas share, and the
// Jira fake, directly: what happened on the peers' side, not only what
// warroom's job table says.

const (
	welcomeMarker = "This channel is for the response."
	statusMarker  = "**Status: "
)

// channelsReady reports whether want incidents have their channel and
// their welcome post's job done.
func channelsReady(db *sql.DB, want int) (bool, error) {
	var n int
	err := db.QueryRow(`SELECT count(*) FROM incidents i JOIN jobs j ON j.incident_id = i.id
		AND j.key = 'INC-' || i.id || '/post/welcome/0' AND j.state = 'done' WHERE i.channel_id <> ''`).Scan(&n)
	return err == nil && n >= want, err
}

// archiveProgress counts the archived incidents and the jobs not yet
// finished (pending or running).
func archiveProgress(db *sql.DB) (archived, left int64, err error) {
	if err = db.QueryRow(`SELECT count(*) FROM incidents WHERE status = 'archived'`).Scan(&archived); err != nil {
		return 0, 0, err
	}
	err = db.QueryRow(`SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')`).Scan(&left)
	return archived, left, err
}

func countRows(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// postsInChannels counts, per incident, the welcome and status posts in
// its builtin channel (the builtin chat's own tables).
func postsInChannels(db *sql.DB) (map[string][2]int, error) {
	rows, err := db.Query(`SELECT c.incident_key,
		count(m.seq) FILTER (WHERE m.text LIKE '%' || $1 || '%'),
		count(m.seq) FILTER (WHERE m.text LIKE '%' || $2 || '%')
		FROM builtin_channels c LEFT JOIN builtin_messages m ON m.channel_id = c.id GROUP BY c.incident_key`,
		welcomeMarker, statusMarker)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][2]int{}
	for rows.Next() {
		var key string
		var welcome, status int
		if err := rows.Scan(&key, &welcome, &status); err != nil {
			return nil, err
		}
		out[key] = [2]int{welcome, status}
	}
	return out, rows.Err()
}

// checkPostsInChannels: every incident has one builtin channel holding the
// welcome post and the status post once each.
func checkPostsInChannels(t *testing.T, posts map[string][2]int, groups int) {
	t.Helper()
	for key, n := range posts {
		if n != [2]int{1, 1} {
			t.Errorf("%s: its builtin channel holds the welcome post %d times and the status post %d times, want once each", key, n[0], n[1])
		}
	}
	if len(posts) != groups {
		t.Errorf("%d builtin channels for %d incidents", len(posts), groups)
	}
}

// checkIncidentsOnce: one incident per alert group of the run.
func checkIncidentsOnce(t *testing.T, db *sql.DB, groups int, o loadOptions) {
	t.Helper()
	n := countRows(t, db, "SELECT count(*) FROM incidents")
	distinct := countRows(t, db, "SELECT count(DISTINCT dedup_key) FROM incidents")
	ofRun := countRows(t, db, "SELECT count(*) FROM incidents WHERE labels LIKE '%' || $1 || '%'", o.Run)
	if n != groups || distinct != groups || ofRun != groups {
		t.Errorf("%d incidents (%d alert groups, %d of the run) for %d groups, want one each", n, distinct, ofRun, groups)
	}
}

// checkJobsDone: every job is done; none parked, pending or running.
func checkJobsDone(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT key, state, attempts, last_error FROM jobs WHERE state <> 'done' ORDER BY id LIMIT 20`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, state, lastErr string
		var attempts int
		if err := rows.Scan(&key, &state, &attempts, &lastErr); err != nil {
			t.Fatal(err)
		}
		t.Errorf("job %s is %s after %d attempts (%s), want done", key, state, attempts, lastErr)
	}
}

// chaosTimeline is how often each step is on an incident's timeline.
type chaosTimeline struct {
	ChannelOpened, TicketOpened, TranscriptBuilt, ArchiveVerified, ChannelDeleted, Closed, Archived, Errors, Incomplete int
}

// checkTimelines: every incident's timeline holds each step of its life
// and archive exactly once, and no failure.
func checkTimelines(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT i.id, i.status,
		count(e.id) FILTER (WHERE e.kind = 'channel_opened'),
		count(e.id) FILTER (WHERE e.kind = 'ticket_opened'),
		count(e.id) FILTER (WHERE e.kind = 'transcript_built'),
		count(e.id) FILTER (WHERE e.kind = 'archive_verified'),
		count(e.id) FILTER (WHERE e.kind = 'channel_deleted'),
		count(e.id) FILTER (WHERE e.kind = 'status_changed' AND e.to_status = 'closed'),
		count(e.id) FILTER (WHERE e.kind = 'status_changed' AND e.to_status = 'archived'),
		count(e.id) FILTER (WHERE e.kind = 'error'),
		count(e.id) FILTER (WHERE e.kind = 'archive_incomplete')
		FROM incidents i LEFT JOIN events e ON e.incident_id = i.id GROUP BY i.id, i.status ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := chaosTimeline{1, 1, 1, 1, 1, 1, 1, 0, 0}
	bad := 0
	for rows.Next() {
		var id int64
		var status string
		var got chaosTimeline
		if err := rows.Scan(&id, &status, &got.ChannelOpened, &got.TicketOpened, &got.TranscriptBuilt, &got.ArchiveVerified,
			&got.ChannelDeleted, &got.Closed, &got.Archived, &got.Errors, &got.Incomplete); err != nil {
			t.Fatal(err)
		}
		if status != "archived" {
			t.Errorf("INC-%d is %s, want archived", id, status)
		}
		if diff := cmp.Diff(want, got); diff != "" && bad < 10 {
			bad++
			t.Errorf("INC-%d: timeline steps (-want +got):\n%s", id, diff)
		}
	}
}

// checkBuiltinEmpty: every builtin channel was deleted with its messages.
func checkBuiltinEmpty(t *testing.T, db *sql.DB) {
	t.Helper()
	if ch, msgs := countRows(t, db, "SELECT count(*) FROM builtin_channels"), countRows(t, db, "SELECT count(*) FROM builtin_messages"); ch != 0 || msgs != 0 {
		t.Errorf("%d builtin channels and %d messages left after every archive, want none", ch, msgs)
	}
}

var jiraMarkerRE = regexp.MustCompile(`~warroom:([^~]+)~`)

// checkJira: on the Jira fake, one issue per incident, done; every comment
// warroom wrote there once (no job key's marker twice), one comment per
// ack and per resolution on the incident's timeline, one summary; the two
// transcripts attached once each, holding the welcome and the status post
// once.
func checkJira(t *testing.T, jira *jiratest.Server, db *sql.DB) {
	t.Helper()
	byIncident := map[string][]jiratest.IssueView{}
	for _, is := range jira.Issues() {
		for _, l := range is.Labels {
			if strings.HasPrefix(l, "warroom-inc-") {
				byIncident["INC-"+strings.TrimPrefix(l, "warroom-inc-")] = append(byIncident["INC-"+strings.TrimPrefix(l, "warroom-inc-")], is)
			}
		}
	}
	rows, err := db.Query(`SELECT i.id, i.ticket_key,
		count(e.id) FILTER (WHERE e.kind = 'status_changed' AND e.to_status = 'acked'),
		count(e.id) FILTER (WHERE e.kind = 'status_changed' AND e.to_status = 'resolved')
		FROM incidents i LEFT JOIN events e ON e.incident_id = i.id GROUP BY i.id, i.ticket_key ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	incidents, bad := 0, 0
	for rows.Next() && bad < 10 {
		var id int64
		var ticket string
		var acks, resolutions int
		if err := rows.Scan(&id, &ticket, &acks, &resolutions); err != nil {
			t.Fatal(err)
		}
		incidents++
		key := fmt.Sprintf("INC-%d", id)
		issues := byIncident[key]
		if len(issues) != 1 || issues[0].Key != ticket {
			bad++
			t.Errorf("%s (ticket %q): %d Jira issues, want the one", key, ticket, len(issues))
			continue
		}
		if problems := jiraIssueProblems(key, issues[0], acks, resolutions); len(problems) > 0 {
			bad++
			t.Errorf("%s, Jira issue %s:\n  %s", key, ticket, strings.Join(problems, "\n  "))
		}
	}
	if len(byIncident) != incidents && bad == 0 {
		t.Errorf("Jira has issues of %d incidents, warroom %d incidents", len(byIncident), incidents)
	}
}

// jiraIssueProblems says what is wrong with one incident's issue.
func jiraIssueProblems(key string, is jiratest.IssueView, acks, resolutions int) []string {
	var out []string
	if is.StatusCategory != jiratest.CategoryDone {
		out = append(out, fmt.Sprintf("status %s (%s), want done", is.Status, is.StatusCategory))
	}
	markers := map[string]int{}
	for _, c := range is.Comments {
		for _, m := range jiraMarkerRE.FindAllStringSubmatch(c.Body, -1) {
			markers[m[1]]++
		}
	}
	for m, n := range markers {
		if n != 1 {
			out = append(out, fmt.Sprintf("the comment of job %s is there %d times", m, n))
		}
	}
	summary := "h3. " + key + " archived"
	for what, want := range map[string]int{"→ acked": acks, "→ resolved": resolutions, summary: 1} {
		n := 0
		for _, c := range is.Comments {
			// The summary's timeline repeats the status changes.
			if strings.Contains(c.Body, what) && (what == summary || !strings.Contains(c.Body, summary)) {
				n++
			}
		}
		if n != want {
			out = append(out, fmt.Sprintf("%d comments with %q, want %d (one per timeline event)", n, what, want))
		}
	}
	files := map[string][]byte{}
	for _, a := range is.Attachments {
		if _, twice := files[a.Filename]; twice {
			out = append(out, a.Filename+" is attached twice")
		}
		files[a.Filename] = a.Data
	}
	md, ok := files[key+"-transcript.md"]
	if _, js := files[key+"-transcript.json"]; !ok || !js || len(files) != 2 {
		out = append(out, fmt.Sprintf("attachments %v, want the Markdown and JSON transcripts", keysOf(files)))
	}
	for _, m := range []string{welcomeMarker, statusMarker} {
		if n := strings.Count(string(md), m); ok && n != 1 {
			out = append(out, fmt.Sprintf("the transcript holds %q %d times, want once", m, n))
		}
	}
	return out
}

package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// jobList is the answer of the job listings.
type jobList struct {
	Jobs []incident.Job `json:"jobs"`
}

func jobIDs(jobs []incident.Job) []int64 {
	var out []int64
	for _, j := range jobs {
		out = append(out, j.ID)
	}
	return out
}

func TestAPIJobs(t *testing.T) {
	x := newHarness(t, Config{})
	seed(x)
	since := t0.Add(-time.Hour)
	x.jobs.jobs = []incident.Job{
		{ID: 1, Kind: incident.JobOpenChannel, Backend: "builtin", IncidentID: 1, Key: "INC-1/channel", State: incident.JobDone, Attempts: 1, MaxAttempts: 20, RunAt: t0, CreatedAt: t0, UpdatedAt: t0},
		{ID: 2, Kind: incident.JobOpenTicket, Backend: "jira", IncidentID: 1, Key: "INC-1/ticket", State: incident.JobParked, Attempts: 3, MaxAttempts: 20,
			LastError: "jira: 403 forbidden", Failure: incident.FailurePermanent, FailingSince: &since, RunAt: t0, CreatedAt: t0, UpdatedAt: t0},
		{ID: 3, Kind: incident.JobPost, Backend: "builtin", IncidentID: 2, Key: "INC-2/post/1", State: incident.JobParked, RunAt: t0, CreatedAt: t0, UpdatedAt: t0},
		{ID: 4, Kind: incident.JobPost, Backend: "builtin", IncidentID: 2, Key: "INC-2/post/2", State: incident.JobPending, RunAt: t0, CreatedAt: t0, UpdatedAt: t0},
	}
	tests := []struct {
		path string
		want []int64
	}{
		{"/api/v1/incidents/INC-1/jobs", []int64{1, 2}},
		{"/api/v1/incidents/inc-2/jobs", []int64{3, 4}},
		{"/api/v1/jobs", []int64{1, 2, 3, 4}},
		{"/api/v1/jobs?state=parked", []int64{2, 3}},
		{"/api/v1/jobs?state=pending", []int64{4}},
	}
	for _, tt := range tests {
		w := x.api("GET", tt.path, "")
		wantStatus(t, w, http.StatusOK)
		got := decode[jobList](t, w).Jobs
		if diff := cmp.Diff(tt.want, jobIDs(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, diff)
		}
	}
	// A job reads back whole, its error and failure included.
	w := x.api("GET", "/api/v1/jobs?state=parked", "")
	if diff := cmp.Diff(x.jobs.jobs[1], decode[jobList](t, w).Jobs[0]); diff != "" {
		t.Errorf("parked job (-want +got):\n%s", diff)
	}
	wantError(t, x.api("GET", "/api/v1/jobs?state=stuck", ""), 400, incident.KindInvalid, `state="stuck": use pending, running, done or parked`)
	wantError(t, x.api("GET", "/api/v1/incidents/INC-9/jobs", ""), 404, incident.KindNotFound, "INC-9")
}

func TestAPIJobStats(t *testing.T) {
	x := newHarness(t, Config{})
	x.jobs.counts = []incident.JobCount{
		{State: incident.JobDone, Kind: incident.JobPost, Backend: "builtin", N: 7},
		{State: incident.JobPending, Kind: incident.JobOpenTicket, Backend: "jira", Failure: incident.FailureTransient, N: 3},
		{State: incident.JobRunning, Kind: incident.JobOpenTicket, Backend: "jira", Failure: incident.FailureTransient, N: 1},
		{State: incident.JobParked, Kind: incident.JobOpenTicket, Backend: "jira", Failure: incident.FailurePermanent, N: 2},
		{State: incident.JobPending, Kind: incident.JobPost, Backend: "builtin", N: 1},
	}
	type stats struct {
		Counts           []incident.JobCount       `json:"counts"`
		ByState          map[incident.JobState]int `json:"by_state"`
		FailingByBackend map[string]int            `json:"failing_by_backend"`
	}
	w := x.api("GET", "/api/v1/jobs/stats", "")
	wantStatus(t, w, 200)
	want := stats{Counts: x.jobs.counts,
		ByState:          map[incident.JobState]int{incident.JobDone: 7, incident.JobPending: 4, incident.JobRunning: 1, incident.JobParked: 2},
		FailingByBackend: map[string]int{"jira": 4}}
	if diff := cmp.Diff(want, decode[stats](t, w)); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestAPIRetryJob(t *testing.T) {
	tests := []struct {
		name string
		path string
		code int
		kind incident.Kind
		says string
	}{
		{"a parked job", "/api/v1/jobs/2/retry", 200, "", ""},
		{"a job that is not parked", "/api/v1/jobs/1/retry", 409, incident.KindConflict, "job 1 is done, not parked"},
		{"a missing job", "/api/v1/jobs/99/retry", 404, incident.KindNotFound, "no job 99"},
		{"not a number", "/api/v1/jobs/two/retry", 400, incident.KindInvalid, `job id "two" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			x.jobs.jobs = []incident.Job{{ID: 1, State: incident.JobDone}, {ID: 2, State: incident.JobParked}}
			w := x.api("POST", tt.path, "{}")
			if tt.code != 200 {
				wantError(t, w, tt.code, tt.kind, tt.says)
				if x.kicks.Load() != 0 {
					t.Error("a refused retry woke the job runner")
				}
				return
			}
			wantStatus(t, w, 200)
			type answer struct {
				ID    int64             `json:"id"`
				State incident.JobState `json:"state"`
			}
			if diff := cmp.Diff(answer{ID: 2, State: incident.JobPending}, decode[answer](t, w)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int64{2}, x.jobs.retried); diff != "" {
				t.Errorf("retried (-want +got):\n%s", diff)
			}
			if x.kicks.Load() != 1 {
				t.Errorf("the job runner was woken %d times, want once", x.kicks.Load())
			}
		})
	}
}

func TestAPITranscript(t *testing.T) {
	x := newHarness(t, Config{})
	x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Status: incident.StatusArchived})
	x.svc.add(incident.Incident{Title: "latency", Severity: incident.SeverityHigh, Status: incident.StatusAcked})
	verified := t0
	x.docs.add(1, "md", "INC-1-transcript.md", "text/markdown; charset=utf-8", "# INC-1\n\nhello\n", &verified)
	x.docs.add(1, "json", "INC-1-transcript.json", "application/json", `{"messages":[]}`, &verified)
	tests := []struct {
		query       string
		contentType string
		body        string
		name        string
	}{
		{"", "text/markdown; charset=utf-8", "# INC-1\n\nhello\n", "INC-1-transcript.md"},
		{"?format=md", "text/markdown; charset=utf-8", "# INC-1\n\nhello\n", "INC-1-transcript.md"},
		{"?format=json", "application/json", `{"messages":[]}`, "INC-1-transcript.json"},
	}
	docs, err := x.docs.Transcripts(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		w := x.api("GET", "/api/v1/incidents/INC-1/transcript"+tt.query, "")
		wantStatus(t, w, 200)
		sum := docs[0].SHA256
		if tt.name != docs[0].Name {
			sum = docs[1].SHA256
		}
		got := map[string]string{"Content-Type": w.Result().Header.Get("Content-Type"), "Content-Disposition": w.Result().Header.Get("Content-Disposition"),
			"X-Warroom-SHA256": w.Result().Header.Get("X-Warroom-SHA256"), "X-Content-Type-Options": w.Result().Header.Get("X-Content-Type-Options"), "body": w.Body.String()}
		want := map[string]string{"Content-Type": tt.contentType, "Content-Disposition": `inline; filename="` + tt.name + `"`,
			"X-Warroom-SHA256": sum, "X-Content-Type-Options": "nosniff", "body": tt.body}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.query, diff)
		}
	}
	wantError(t, x.api("GET", "/api/v1/incidents/INC-1/transcript?format=pdf", ""), 400, incident.KindInvalid, `format="pdf": use md or json`)
	wantError(t, x.api("GET", "/api/v1/incidents/INC-2/transcript", ""), 404, incident.KindNotFound,
		"INC-2 has no transcript yet: it is built when the incident is closed (status now: acked)")
	wantError(t, x.api("GET", "/api/v1/incidents/INC-3/transcript", ""), 404, incident.KindNotFound, "INC-3")
}

package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// judge decides retry or park by the failure's class: transient failures
// by their age, unclassified ones by their attempts, permanent ones at once.
func TestJudge(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	r := NewRunner(nil, RunnerConfig{MaxAttempts: 5, MaxAge: 24 * time.Hour, BaseDelay: time.Second, MaxDelay: 5 * time.Minute},
		SystemClock{}, slog.New(slog.DiscardHandler))
	since := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	tests := []struct {
		name        string
		attempts    int
		since       *time.Time
		err         error
		stopping    bool
		wantOutcome string
		wantFailure Failure
		wantReason  string
		wantSince   time.Time
	}{
		{name: "success", err: nil, wantOutcome: "done"},
		{name: "5xx retries", attempts: 1, err: Errorf(KindTransient, "jira: 503"), wantOutcome: "retry", wantFailure: FailureTransient, wantSince: now},
		{name: "5xx keeps retrying past max attempts", attempts: 400, since: since(23 * time.Hour), err: Errorf(KindTransient, "jira: 503"),
			wantOutcome: "retry", wantFailure: FailureTransient, wantSince: now.Add(-23 * time.Hour)},
		{name: "5xx parks after the max age", attempts: 300, since: since(24 * time.Hour), err: Errorf(KindTransient, "jira: 503"),
			wantOutcome: "parked", wantFailure: FailureTransient, wantReason: "still failing after 24h0m0s"},
		{name: "429 retries", attempts: 1, err: &RetryAfter{After: time.Minute, Err: Errorf(KindTransient, "429")}, wantOutcome: "retry",
			wantFailure: FailureTransient, wantSince: now},
		{name: "timeout retries", attempts: 1, err: fmt.Errorf("post: %w", context.DeadlineExceeded), wantOutcome: "retry",
			wantFailure: FailureTransient, wantSince: now},
		{name: "401 parks at once", attempts: 1, err: Errorf(KindUnauthorized, "check the token"), wantOutcome: "parked",
			wantFailure: FailurePermanent, wantReason: "check the token"},
		{name: "403/404 park at once", attempts: 1, err: Errorf(KindPermanent, "the bot lacks the permission"), wantOutcome: "parked",
			wantFailure: FailurePermanent, wantReason: "the bot lacks the permission"},
		{name: "invalid parks at once", attempts: 1, err: Errorf(KindInvalid, "bad template"), wantOutcome: "parked",
			wantFailure: FailurePermanent, wantReason: "bad template"},
		{name: "unclassified retries", attempts: 4, err: errors.New("boom"), wantOutcome: "retry", wantFailure: FailureInternal, wantSince: now},
		{name: "unclassified parks after max attempts", attempts: 5, err: errors.New("boom"), wantOutcome: "parked",
			wantFailure: FailureInternal, wantReason: "gave up after 5 attempts: boom"},
		{name: "shutdown puts it back as it was", attempts: 2, since: since(time.Hour), err: context.Canceled, stopping: true,
			wantOutcome: "interrupted", wantSince: now.Add(-time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := Job{Kind: JobOpenTicket, Attempts: tt.attempts, FailingSince: tt.since}
			if tt.since != nil {
				j.Failure = FailureTransient
			}
			v := r.judge(j, tt.err, tt.stopping, now)
			if v.outcome != tt.wantOutcome {
				t.Fatalf("outcome %q, want %q", v.outcome, tt.wantOutcome)
			}
			switch v.outcome {
			case "parked":
				if v.park.Failure != tt.wantFailure || !strings.Contains(v.park.Reason, tt.wantReason) {
					t.Errorf("parked %+v, want failure %s and a reason saying %q", v.park, tt.wantFailure, tt.wantReason)
				}
			case "retry", "interrupted":
				if v.retry.Failure != tt.wantFailure && v.outcome == "retry" || !v.retry.FailingSince.Equal(tt.wantSince) {
					t.Errorf("retry %+v, want failure %s failing since %s", v.retry, tt.wantFailure, tt.wantSince)
				}
				if v.outcome == "retry" && (v.retry.RunAt.Before(now) || v.retry.RunAt.After(now.Add(5*time.Minute))) {
					t.Errorf("retry at %s: not within the capped backoff", v.retry.RunAt)
				}
			}
		})
	}
}

package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// StatsStore is a store with the reports' queries.
type StatsStore interface {
	incident.Store
	incident.Reporter
}

// RunStats checks the reports' queries on stores open makes (each one
// fresh): CountLive counts only open, acked and resolved incidents, by
// status and severity; ReportCells sums the incidents opened in the range
// by severity, source and week, with times to ack and to resolve in
// milliseconds, counting only those that got there, and leaves out what
// opened outside the range.
func RunStats(t *testing.T, open func(t *testing.T, clock incident.Clock) StatsStore) {
	ctx := context.Background()
	s := open(t, &Clock{t: T0})
	week := incident.WeekOf(T0) // T0 is a Wednesday
	at := func(d time.Duration) *time.Time { v := week.Add(d); return &v }
	type inc struct {
		sev      incident.Severity
		source   string
		status   incident.Status
		created  time.Duration // after the week's Monday
		ack, res time.Duration // after created; 0: never
	}
	day := 24 * time.Hour
	list := []inc{
		{incident.SeverityCritical, "alertmanager", incident.StatusOpen, 0, 0, 0},
		{incident.SeverityCritical, "alertmanager", incident.StatusAcked, day, 90 * time.Second, 0},
		{incident.SeverityCritical, "alertmanager", incident.StatusResolved, 2 * day, 30 * time.Second, 10 * time.Minute},
		{incident.SeverityHigh, "api", incident.StatusClosed, 3 * day, time.Minute, time.Hour},
		{incident.SeverityHigh, "api", incident.StatusArchived, 8 * day, 3 * time.Minute, 2 * time.Hour}, // next week
		{incident.SeverityWarning, "icinga2", incident.StatusOpen, 15 * day, 0, 0},                       // outside the range
		{incident.SeverityHigh, "api", incident.StatusOpen, -time.Nanosecond, 0, 0},                      // before it
	}
	for i, l := range list {
		created := week.Add(l.created)
		v := &incident.Incident{Title: "stats", Severity: l.sev, Status: l.status, Source: l.source,
			DedupKey: string(rune('a' + i)), CreatedAt: created, UpdatedAt: created}
		if l.ack > 0 {
			v.AckedAt, v.AckedBy = at(l.created+l.ack), "alice"
		}
		if l.res > 0 {
			v.ResolvedAt = at(l.created + l.res)
		}
		if l.status == incident.StatusClosed || l.status == incident.StatusArchived {
			v.ClosedAt = v.ResolvedAt
		}
		if err := s.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, v) }); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := s.CountLive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[incident.IncidentCount]bool{}
	for _, c := range counts {
		got[c] = true
	}
	want := map[incident.IncidentCount]bool{
		{Status: incident.StatusOpen, Severity: incident.SeverityCritical, N: 1}:     true,
		{Status: incident.StatusAcked, Severity: incident.SeverityCritical, N: 1}:    true,
		{Status: incident.StatusResolved, Severity: incident.SeverityCritical, N: 1}: true,
		{Status: incident.StatusOpen, Severity: incident.SeverityWarning, N: 1}:      true,
		{Status: incident.StatusOpen, Severity: incident.SeverityHigh, N: 1}:         true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CountLive = %v, want %v", counts, want)
	}
	cells, err := s.ReportCells(ctx, week, week.Add(14*day))
	if err != nil {
		t.Fatal(err)
	}
	wantCells := []incident.ReportCell{
		{Severity: incident.SeverityCritical, Source: "alertmanager", Week: week, Opened: 3, Acked: 2, AckMillis: 120000, Resolved: 1, ResolveMillis: 600000},
		{Severity: incident.SeverityHigh, Source: "api", Week: week, Opened: 1, Acked: 1, AckMillis: 60000, Resolved: 1, ResolveMillis: 3600000},
		{Severity: incident.SeverityHigh, Source: "api", Week: week.Add(7 * day), Opened: 1, Acked: 1, AckMillis: 180000, Resolved: 1, ResolveMillis: 7200000},
	}
	for i := range cells {
		cells[i].Week = cells[i].Week.UTC()
	}
	if !reflect.DeepEqual(cells, wantCells) {
		t.Errorf("ReportCells =\n%+v\nwant\n%+v", cells, wantCells)
	}
	if cells, err := s.ReportCells(ctx, week.Add(100*day), week.Add(101*day)); err != nil || len(cells) != 0 {
		t.Errorf("ReportCells of an empty range = %v, %v; want none", cells, err)
	}
}

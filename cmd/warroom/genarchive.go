package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// genArchive is `warroom gen-archive`: it fills the configured store with
// archived incidents that look like real ones (titles and labels from a
// set of services and symptoms, a timeline of about eight events, a chat
// transcript of 10 to 40 messages in the archive's JSON and Markdown), for
// the search benchmark and for trying the search by hand. It writes
// through the store's own ports, so the search index is kept as in
// production. The same seed makes the same archive.
func genArchive(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("warroom gen-archive", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path of the YAML config file whose store to fill (default: the embedded default, ./warroom.db)")
	n := fs.Int("incidents", 10000, "how many archived incidents to add")
	seed := fs.Uint64("seed", 1, "the random seed: the same seed makes the same archive")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *n <= 0 {
		fmt.Fprintf(stderr, "warroom gen-archive: give -incidents N (N > 0) and no arguments\n")
		return 2
	}
	cfg, _, err := loadConfig(*configPath, environ)
	if err != nil {
		fmt.Fprintf(stderr, "warroom gen-archive: %v\n", err)
		return 1
	}
	db, err := openStore(ctx, cfg.Store, incident.SystemClock{})
	if err != nil {
		fmt.Fprintf(stderr, "warroom gen-archive: %v\n", err)
		return 1
	}
	defer db.Close()
	st, err := generateArchive(ctx, db, *n, *seed, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		fmt.Fprintf(stderr, "warroom gen-archive: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "added %d archived incidents: %d events, %d messages, %.1f MB of Markdown transcripts (%.1f MB JSON)\n",
		st.incidents, st.events, st.messages, float64(st.mdBytes)/1e6, float64(st.jsonBytes)/1e6)
	return 0
}

// genStats counts what generateArchive wrote.
type genStats struct {
	incidents, events, messages int
	mdBytes, jsonBytes          int64
}

// genRare is the word the generator puts in one message of genRareIn
// incidents spread over the archive, whatever its size: the benchmark's
// rare word, found as often in 1,000 incidents as in 10,000.
const (
	genRare   = "zeppelin"
	genRareIn = 5
)

var (
	genServices = []string{"checkout", "payments", "search", "gateway", "auth", "inventory", "shipping", "billing",
		"catalog", "notifications", "ledger", "profile", "recommendations", "cart", "pricing", "media"}
	genSymptoms = []string{"latency p99 above 2s", "error rate above 5%", "pods crash looping", "disk almost full",
		"queue backlog growing", "certificate expires soon", "connection pool exhausted", "replication lag high",
		"5xx from the load balancer", "memory leak after deploy", "DNS lookups failing", "cron job missed its run"}
	genRegions = []string{"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"}
	genPeople  = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"}
	genSays    = []string{
		"looking at the %s dashboards now",
		"p99 for %s is at %d ms, normal is around 180",
		"I see connection refused errors from %s since %d minutes",
		"rolling back %s to the previous version, ETA %d minutes",
		"the deploy of %s went out at 14:%02d, that lines up with the graph",
		"error budget for %s is down to %d percent",
		"can someone from the %s team join? we need eyes on the database",
		"restarted two pods of %s, watching for %d minutes",
		"the %s queue has %d messages waiting, consumers look stuck",
		"customers report timeouts on %s, support has %d tickets",
		"found it: a config change in %s set the pool size to %d",
		"%s looks healthy again, error rate back under %d per mille",
		"I'll write the postmortem for %s, first draft in %d days",
		"the upstream provider confirms an outage affecting %s in region %d",
		"added an alert so %s pages us earlier next time, threshold %d",
	}
)

// generateArchive adds n archived incidents to db, 50 to a transaction.
func generateArchive(ctx context.Context, db store, n int, seed uint64, log *slog.Logger) (genStats, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var st genStats
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 50
	for done := 0; done < n; {
		size := min(batch, n-done)
		gens := make([]genned, size)
		for i := range gens {
			num := done + i
			gens[i] = genIncident(rng, start.Add(time.Duration(num)*47*time.Minute), num, n)
		}
		err := db.Update(ctx, func(tx incident.Tx) error {
			for _, g := range gens {
				if err := tx.CreateIncident(ctx, g.inc); err != nil {
					return err
				}
				for i := range g.events {
					g.events[i].IncidentID = g.inc.ID
					if _, err := tx.AddEvent(ctx, &g.events[i]); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("store incidents: %w", err)
		}
		err = db.UpdateArchive(ctx, func(tx archive.Tx) error {
			for _, g := range gens {
				md, js, err := genTranscript(g.inc, g.events, g.msgs)
				if err != nil {
					return err
				}
				for _, d := range []struct {
					format, ext, ctype string
					body               []byte
				}{{"md", "md", "text/markdown; charset=utf-8", md}, {"json", "json", "application/json", js}} {
					doc := &archive.Document{Format: d.format, Name: g.inc.Key + "-transcript." + d.ext, ContentType: d.ctype,
						Size: int64(len(d.body)), SHA256: archive.Digest(d.body)}
					if err := tx.WriteDocument(ctx, g.inc.ID, doc, bytes.NewReader(d.body), *g.inc.ArchivedAt); err != nil {
						return err
					}
					if err := tx.MarkPlaced(ctx, g.inc.ID, doc.Name, archive.PlacementLocal, "generated by warroom gen-archive", *g.inc.ArchivedAt); err != nil {
						return err
					}
				}
				st.mdBytes += int64(len(md))
				st.jsonBytes += int64(len(js))
				st.events += len(g.events)
				st.messages += len(g.msgs)
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("store transcripts: %w", err)
		}
		done += size
		st.incidents = done
		if done%1000 == 0 || done == n {
			log.Info("gen-archive: progress", "incidents", done, "of", n)
		}
	}
	return st, nil
}

// genned is one generated incident before it is stored.
type genned struct {
	inc    *incident.Incident
	events []incident.Event
	msgs   []archive.Message
}

// genIncident makes the num-th of `of` archived incidents, opened at
// `at`, with its timeline and its messages.
func genIncident(rng *rand.Rand, at time.Time, num, of int) genned {
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	svc, region := pick(genServices), pick(genRegions)
	sevs := []incident.Severity{incident.SeverityInfo, incident.SeverityWarning, incident.SeverityHigh, incident.SeverityCritical}
	commander := pick(genPeople)
	acked := at.Add(time.Duration(1+rng.IntN(15)) * time.Minute)
	resolved := acked.Add(time.Duration(5+rng.IntN(120)) * time.Minute)
	closed := resolved.Add(time.Duration(1+rng.IntN(30)) * time.Minute)
	archived := closed.Add(time.Minute)
	inc := &incident.Incident{
		Title:    fmt.Sprintf("%s: %s in %s", svc, pick(genSymptoms), region),
		Summary:  fmt.Sprintf("Customers of %s in %s saw failures; %s", svc, region, pick(genSymptoms)),
		Severity: sevs[rng.IntN(len(sevs))], Status: incident.StatusArchived,
		Source: []string{"alertmanager", "grafana", "icinga2", "api"}[rng.IntN(4)], DedupKey: fmt.Sprintf("gen-%d", num),
		Labels:    map[string]string{"service": svc, "region": region, "env": []string{"prod", "staging"}[rng.IntN(2)]},
		Commander: commander, CreatedAt: at, UpdatedAt: archived, AckedAt: &acked, AckedBy: commander,
		ResolvedAt: &resolved, ClosedAt: &closed, ClosedBy: commander, CloseReason: "fixed", ArchivedAt: &archived,
	}
	events := []incident.Event{
		{Kind: incident.EventDeclared, Actor: inc.Source, Text: "opened from " + inc.Source + ": " + inc.Title, At: at},
		{Kind: incident.EventNote, Actor: commander, Text: "status: investigating " + svc + " in " + region, At: acked.Add(-time.Minute)},
		{Kind: incident.EventNote, Actor: commander, Text: "status changed: open → acked", At: acked},
		{Kind: incident.EventNote, Actor: pick(genPeople), Text: "paged the " + svc + " on-call", At: acked.Add(2 * time.Minute)},
		{Kind: incident.EventNote, Actor: pick(genPeople), Text: "rolled back " + svc + " to the previous release", At: resolved.Add(-10 * time.Minute)},
		{Kind: incident.EventNote, Actor: commander, Text: "status changed: acked → resolved", At: resolved},
		{Kind: incident.EventNote, Actor: commander, Text: "status changed: resolved → closed (fixed)", At: closed},
		{Kind: incident.EventArchived, Actor: "warroom", Text: "transcript stored and verified", At: archived},
	}
	var msgs []archive.Message
	count := 10 + rng.IntN(31)
	every := max(of/genRareIn, 1)
	rare := num%every == every/2
	for i := range count {
		text := fmt.Sprintf(pick(genSays), svc, rng.IntN(60))
		if rare && i == count/2 {
			text += " (the " + genRare + " runbook says to drain first)"
		}
		msgs = append(msgs, archive.Message{ID: fmt.Sprintf("g%dm%d", num, i), Author: pick(genPeople), Text: text,
			At: acked.Add(time.Duration(i) * resolved.Sub(acked) / time.Duration(count))})
	}
	return genned{inc: inc, events: events, msgs: msgs}
}

// genTranscript renders the archive's two documents of an incident: the
// JSON transcript (the shape archive writes and archive.EachMessage reads)
// and a Markdown one.
func genTranscript(inc *incident.Incident, events []incident.Event, msgs []archive.Message) ([]byte, []byte, error) {
	var md strings.Builder
	fmt.Fprintf(&md, "# %s: %s\n\n- Severity: %s\n- Status: %s\n- Source: %s\n\n## Timeline\n\n", inc.Key, inc.Title, inc.Severity, inc.Status, inc.Source)
	for _, ev := range events {
		fmt.Fprintf(&md, "- %s %s %s: %s\n", ev.At.Format(time.RFC3339), ev.Kind, ev.Actor, ev.Text)
	}
	md.WriteString("\n## Messages\n\n")
	for _, m := range msgs {
		fmt.Fprintf(&md, "**%s** %s\n%s\n\n", m.Author, m.At.Format(time.RFC3339), m.Text)
	}
	count := archive.Count{Archived: len(msgs), Server: len(msgs), Accounted: len(msgs), Basis: "generated", CheckedAt: *inc.ArchivedAt}
	js, err := json.Marshal(struct {
		Incident     *incident.Incident `json:"incident"`
		Timeline     []incident.Event   `json:"timeline"`
		Messages     []archive.Message  `json:"messages"`
		Completeness archive.Count      `json:"completeness"`
	}{inc, events, msgs, count})
	if err != nil {
		return nil, nil, fmt.Errorf("encode transcript of %s: %w", inc.Key, err)
	}
	return []byte(md.String()), append(js, '\n'), nil
}

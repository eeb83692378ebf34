package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/warroom/warroom/incident"
)

// SummaryData is what the ticket_summary template sees: the comment added
// to the ticket once the archive is verified.
type SummaryData struct {
	Incident      *incident.Incident
	Events        []incident.Event
	Participants  []string       // who wrote in the channel, by number of messages
	TimeToAck     *time.Duration // from opened to acked
	TimeToResolve *time.Duration // from opened to resolved
	URL           string         // the incident's page in warroom
	Documents     []SummaryDoc
}

// SummaryDoc is one archived document and where it is.
type SummaryDoc struct {
	Name       string
	Size       int
	InTicket   bool   // attached to the ticket and read back intact
	KeptReason string // why it is kept in warroom only, when it is
	URL        string // its copy in warroom
}

// participantsOf counts the authors of the JSON transcript's messages,
// most active first, leaving out system messages and warroom itself.
func participantsOf(ctx context.Context, d Document) ([]string, error) {
	count := map[string]int{}
	err := eachMessage(ctx, d, func(m Message) {
		if !m.System && !m.Bot && m.Author != "" {
			count[m.Author]++
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(count))
	for a := range count {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if count[out[i]] != count[out[j]] {
			return count[out[i]] > count[out[j]]
		}
		return out[i] < out[j]
	})
	return out, nil
}

// eachMessage decodes the JSON transcript's messages as a stream, one at a
// time, and hands each to fn.
func eachMessage(ctx context.Context, d Document, fn func(Message)) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := json.NewDecoder(rc)
	if _, err := dec.Token(); err != nil { // {
		return fmt.Errorf("read %s: %w", d.Name, err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read %s: %w", d.Name, err)
		}
		if key != "messages" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("read %s: %w", d.Name, err)
			}
			continue
		}
		if _, err := dec.Token(); err != nil { // [
			return fmt.Errorf("read %s: %w", d.Name, err)
		}
		for dec.More() {
			var m Message
			if err := dec.Decode(&m); err != nil {
				return fmt.Errorf("read %s: %w", d.Name, err)
			}
			fn(m)
		}
		if _, err := dec.Token(); err != nil { // ]
			return fmt.Errorf("read %s: %w", d.Name, err)
		}
	}
	return nil
}

func since(from time.Time, to *time.Time) *time.Duration {
	if to == nil {
		return nil
	}
	d := to.Sub(from).Round(time.Second)
	return &d
}

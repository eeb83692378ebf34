package archive

import (
	"encoding/json"
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
	Name     string
	Size     int
	InTicket bool   // attached to the ticket
	URL      string // its copy in warroom
}

// participants counts the authors of the JSON transcript's messages, most
// active first, leaving out system messages and warroom itself.
func participants(transcriptJSON []byte) []string {
	var doc struct {
		Messages []Message `json:"messages"`
	}
	if json.Unmarshal(transcriptJSON, &doc) != nil {
		return nil
	}
	count := map[string]int{}
	for _, m := range doc.Messages {
		if !m.System && !m.Bot && m.Author != "" {
			count[m.Author]++
		}
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
	return out
}

func since(from time.Time, to *time.Time) *time.Duration {
	if to == nil {
		return nil
	}
	d := to.Sub(from).Round(time.Second)
	return &d
}

package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Graphs renders graphs for incidents (from Prometheus, in cmd's wiring).
type Graphs interface {
	// ForIncident renders the graphs that belong to the incident: its
	// alerts' expressions and graph queries, over a window around its
	// start. notes say, in a line each, which queries gave nothing.
	ForIncident(ctx context.Context, inc *Incident) (files []File, notes []string, err error)
	// Query renders one expression over the window ending now. A query
	// that is wrong or returns nothing is a KindInvalid error whose message
	// is posted instead of a picture.
	Query(ctx context.Context, inc *Incident, promql string, window time.Duration) (File, error)
}

// Graph job kinds.
const (
	JobGraphs JobKind = "chat.graphs" // the incident's graphs, when its channel opens
	JobGraph  JobKind = "chat.graph"  // one graph asked for with /incident graph
)

// graphPayload is a chat.graph job's payload.
type graphPayload struct {
	Query  string        `json:"query"`
	Window time.Duration `json:"window"`
	Actor  string        `json:"actor"`
}

// defaultGraphWindow is what /incident graph shows without a range.
const defaultGraphWindow = time.Hour

func (c *ChatEffects) runGraphs(ctx context.Context, j Job) error {
	inc, err := c.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if c.graphs == nil || inc.Channel.Empty() {
		return nil
	}
	files, notes, err := c.graphs.ForIncident(ctx, inc)
	if err != nil {
		return fmt.Errorf("graphs for %s: %w", inc.Key, err)
	}
	if len(files) == 0 && len(notes) == 0 {
		return nil
	}
	text := "📈 **Graphs** around the start of " + inc.Key
	if len(notes) > 0 {
		text += "\n" + strings.Join(notes, "\n")
	}
	_, err = c.chat.Post(ctx, inc.Channel, Post{Key: j.Key, Text: text, Files: files, Retry: j.Attempts > 1})
	return err
}

func (c *ChatEffects) runGraph(ctx context.Context, j Job) error {
	var p graphPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode chat.graph payload: %w", err)
	}
	inc, err := c.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Channel.Empty() || !inc.Status.Active() {
		return nil
	}
	caption := fmt.Sprintf("📈 `%s` over the last %s (asked by @%s)", p.Query, p.Window, p.Actor)
	post := Post{Key: j.Key, Text: caption, Retry: j.Attempts > 1}
	f, err := c.graphs.Query(ctx, inc, p.Query, p.Window)
	switch {
	case err == nil:
		post.Files = []File{f}
	case ErrorKind(err) == KindInvalid:
		post.Text = fmt.Sprintf("📈 No graph for `%s` over %s: %s", p.Query, p.Window, ErrorMessage(err))
	default:
		return err
	}
	_, err = c.chat.Post(ctx, inc.Channel, post)
	return err
}

// graphCommand queues a graph asked for in chat: "<promql> [range]".
func (c *ChatEffects) graphCommand(ctx context.Context, inc *Incident, actor, arg string) (Reply, error) {
	if c.graphs == nil {
		return Reply{Text: "Graphs are off: set prometheus.url in warroom's config.", Failed: true}, nil
	}
	query, window := arg, defaultGraphWindow
	if i := strings.LastIndexByte(arg, ' '); i > 0 {
		if d, err := time.ParseDuration(strings.TrimSpace(arg[i+1:])); err == nil {
			query, window = strings.TrimSpace(arg[:i]), d
		}
	}
	if window < time.Minute || window > 31*24*time.Hour {
		return Reply{Text: "The range must be between 1m and 31 days, e.g. /incident graph up 6h", Failed: true}, nil
	}
	now := c.clock.Now()
	err := c.store.Update(ctx, func(tx Tx) error {
		j, err := NewJob(JobGraph, inc.ID, fmt.Sprintf("%s/graph/%d", inc.Key, now.UnixNano()), graphPayload{Query: query, Window: window, Actor: actor})
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, j)
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf("Rendering `%s` over the last %s…", query, window)}, nil
}

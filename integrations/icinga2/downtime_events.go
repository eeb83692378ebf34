package icinga2

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// downtimeTypes are the downtime events warroom follows, when the ApiUser
// may read them (events/DowntimeAdded, events/DowntimeStarted,
// events/DowntimeRemoved).
var downtimeTypes = []string{"DowntimeAdded", "DowntimeStarted", "DowntimeRemoved"}

// DowntimeNotes is what downtime events drive in the incident Service.
type DowntimeNotes interface {
	DowntimeFromSource(ctx context.Context, source, dedupKey string, n incident.DowntimeNote) error
}

// downtimeAttrs is the "downtime" object of a downtime event.
type downtimeAttrs struct {
	Name        string  `json:"name"`
	HostName    string  `json:"host_name"`
	ServiceName string  `json:"service_name"`
	Author      string  `json:"author"`
	Comment     string  `json:"comment"`
	StartTime   float64 `json:"start_time"`
	EndTime     float64 `json:"end_time"`
}

func unixTime(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// applyDowntime passes a downtime event on, when the Service takes them.
func applyDowntime(ctx context.Context, svc Incidents, e event) error {
	dn, ok := svc.(DowntimeNotes)
	if !ok || e.Downtime == nil {
		return nil
	}
	d := e.Downtime
	object := d.HostName
	if d.ServiceName != "" {
		object = d.ServiceName + " on " + d.HostName
	}
	return dn.DowntimeFromSource(ctx, Source, e.key(), incident.DowntimeNote{
		What: strings.ToLower(strings.TrimPrefix(e.Type, "Downtime")), Name: d.Name, Object: object,
		Author: d.Author, Comment: d.Comment, Start: unixTime(d.StartTime), End: unixTime(d.EndTime)})
}

package incident

import "context"

// runbookFinder finds an incident's runbook: by the name a routing rule
// gave, else by the front matter of the local runbooks, else the first
// section of its runbook_url link.
type runbookFinder struct {
	local  Runbooks       // nil: none
	remote RemoteRunbooks // nil: links only
}

// find is the local runbook named by routing (name), else the one whose
// front matter matches the incident's labels.
func (f runbookFinder) find(inc *Incident, name string) (Runbook, bool) {
	if f.local == nil {
		return Runbook{}, false
	}
	if name != "" {
		if rb, ok := f.local.ByName(name); ok {
			return rb, true
		}
	}
	return f.local.Find(inc.Labels)
}

// has reports whether the incident will have a runbook post.
func (f runbookFinder) has(inc *Incident, name string) bool {
	if _, ok := f.find(inc, name); ok {
		return true
	}
	return f.remote != nil && runbookLink(inc) != ""
}

// findAny is find, then the first section of the runbook link.
func (f runbookFinder) findAny(ctx context.Context, inc *Incident, name string) (Runbook, bool) {
	if rb, ok := f.find(inc, name); ok {
		return rb, true
	}
	if link := runbookLink(inc); link != "" && f.remote != nil {
		return f.remote.FirstSection(ctx, link)
	}
	return Runbook{}, false
}

// runbookLink is the incident's runbook_url link, or "".
func runbookLink(inc *Incident) string {
	for _, l := range inc.Links {
		if l.Title == "Runbook" {
			return l.URL
		}
	}
	return ""
}

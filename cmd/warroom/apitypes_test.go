package main

import (
	"encoding/json"
	"time"
)

// The API's answers as the tests read them: typed, so that a change in
// shape fails with a decode error or a go-cmp diff instead of a panicking
// type assertion. Only the fields tests look at are declared.

// apiIncident is an incident as GET /api/v1/incidents/{key} answers it.
type apiIncident struct {
	Key       string            `json:"key"`
	Title     string            `json:"title"`
	Summary   string            `json:"summary"`
	Severity  string            `json:"severity"`
	Status    string            `json:"status"`
	Source    string            `json:"source"`
	Labels    map[string]string `json:"labels"`
	Commander string            `json:"commander"`
	Channel   apiRef            `json:"channel"`
	Ticket    apiTicket         `json:"ticket"`
	Links     []apiLink         `json:"links"`
	Queries   []string          `json:"graph_queries"`
	AckedBy   string            `json:"acked_by"`
	ClosedBy  string            `json:"closed_by"`
	StatusMsg string            `json:"status_message"`
	Parent    string            `json:"parent"`
	Children  []string          `json:"children"`
	Roles     map[string]string `json:"roles"`
}

// apiRef is an incident's channel.
type apiRef struct {
	Backend string `json:"backend"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	URL     string `json:"url"`
}

// apiLink is one of an incident's links.
type apiLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// apiTicket is an incident's ticket.
type apiTicket struct {
	Backend string `json:"backend"`
	Key     string `json:"key"`
	URL     string `json:"url"`
}

// apiEvent is a timeline event.
type apiEvent struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Actor      string    `json:"actor"`
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
	RecordedAt time.Time `json:"recorded_at"`
	Ref        string    `json:"ref"`
}

// apiJob is a durable job as GET /api/v1/incidents/{key}/jobs lists it.
type apiJob struct {
	ID           int64           `json:"id"`
	Kind         string          `json:"kind"`
	Backend      string          `json:"backend"`
	Key          string          `json:"key"`
	State        string          `json:"state"`
	Attempts     int             `json:"attempts"`
	LastError    string          `json:"last_error"`
	Failure      string          `json:"failure"`
	FailingSince *time.Time      `json:"failing_since"`
	Payload      json.RawMessage `json:"payload"`
}

// apiJobStats is GET /api/v1/jobs/stats.
type apiJobStats struct {
	ByState          map[string]int `json:"by_state"`
	FailingByBackend map[string]int `json:"failing_by_backend"`
}

// apiHookAnswer is the answer to an Alertmanager webhook.
type apiHookAnswer struct {
	Status   string `json:"status"`
	Reason   string `json:"reason"`
	Incident string `json:"incident"`
	Created  bool   `json:"created"`
}

// apiError is the body of every API error.
type apiError struct {
	Error struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

package rctest

import (
	"encoding/json"
	"slices"
	"strings"
)

// OutgoingPayload is the JSON body Rocket.Chat POSTs for the "Message
// Sent" event of an outgoing integration without a script. It is here for
// tests that build or decode such bodies; the adapter keeps its own copy.
type OutgoingPayload struct {
	Token       string `json:"token"`
	Bot         bool   `json:"bot"`                    // the message was an integration's reply
	TriggerWord string `json:"trigger_word,omitempty"` // only with trigger words configured
	ChannelID   string `json:"channel_id"`
	ChannelName string `json:"channel_name,omitempty"` // absent for direct messages
	MessageID   string `json:"message_id"`
	Timestamp   string `json:"timestamp"` // ISO 8601, as a JS Date serializes
	UserID      string `json:"user_id"`
	UserName    string `json:"user_name"`
	Text        string `json:"text"`
	SiteURL     string `json:"siteUrl"`
	Alias       string `json:"alias,omitempty"`
	IsEdited    bool   `json:"isEdited,omitempty"`
	TMID        string `json:"tmid,omitempty"`
}

// fx collects the outgoing webhook calls an operation causes; they are
// made once s.mu is released.
type fx struct{ jobs []*job }

// job is one outgoing webhook call to make, with its retries.
type job struct {
	url         string
	body        []byte
	cfg         OutgoingWebhook
	integration string
	roomID      string
	tries       int
	depth       int // replies to replies: a loop guard
}

// SetOutgoing configures (or replaces) the outgoing integration, e.g. once
// the service under test listens and its URL is known. It enables it
// again if a 410 had disabled it, unless w.Disabled.
func (s *Server) SetOutgoing(w OutgoingWebhook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := w.withDefaults(s.opts.Bot.Username)
	s.outgoing = &c
	if s.integration == "" {
		s.integration = s.newID()
	}
}

// OutgoingEnabled says whether the integration exists and is enabled (a
// 410 answer disables it).
func (s *Server) OutgoingEnabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outgoing != nil && !s.outgoing.Disabled
}

// IntegrationID is the outgoing integration's id, the "i" of the bot
// field of the messages it posts.
func (s *Server) IntegrationID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.integration
}

// trigger queues on f the call m causes, if the integration listens to r
// and m's text matches a trigger word. Called with s.mu held.
func (s *Server) trigger(f *fx, r *room, m *message) {
	cfg := s.outgoing
	if cfg == nil || cfg.Disabled || cfg.URL == "" || !listens(cfg, r) {
		return
	}
	if m.editedBy != nil && !cfg.RunOnEdits {
		return
	}
	word, ok := matchTrigger(cfg, m.msg)
	if !ok {
		return
	}
	p := OutgoingPayload{
		Token: cfg.Token, Bot: m.bot != "", TriggerWord: word,
		ChannelID: r.id, ChannelName: r.name, MessageID: m.id, Timestamp: isoTime(m.ts),
		UserID: m.u.id, UserName: m.u.username, Text: m.msg, SiteURL: s.base,
		Alias: m.alias, IsEdited: m.editedBy != nil, TMID: m.tmid,
	}
	body, _ := json.Marshal(p)
	f.jobs = append(f.jobs, &job{url: cfg.URL, body: body, cfg: *cfg, integration: s.integration, roomID: r.id})
}

// listens is getTriggersToExecute for one integration: no channels means
// all public channels only.
func listens(cfg *OutgoingWebhook, r *room) bool {
	chans := cfg.Channels
	if len(chans) == 0 {
		chans = []string{"all_public_channels"}
	}
	for _, ch := range chans {
		switch {
		case ch == "all_public_channels" && r.t == TypeChannel,
			ch == "all_private_groups" && r.t == TypeGroup,
			ch == "all_direct_messages" && r.t == "d",
			ch == "#"+r.id, ch == "#"+r.name:
			return true
		}
	}
	return false
}

// matchTrigger: with trigger words, the first that starts the text (or
// appears in it, with TriggerWordAnywhere) — case-sensitive, no word
// boundary: "!incident" matches "!inc".
func matchTrigger(cfg *OutgoingWebhook, text string) (string, bool) {
	if len(cfg.TriggerWords) == 0 {
		return "", true
	}
	for _, w := range cfg.TriggerWords {
		if cfg.TriggerWordAnywhere && strings.Contains(text, w) || strings.HasPrefix(text, w) {
			return w, true
		}
	}
	return "", false
}

// Deliveries returns the outgoing webhook calls made so far, each retry
// being one, in the order they finished.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.deliveries)
	for i := range out {
		out[i].Body = slices.Clone(out[i].Body)
		out[i].Response = slices.Clone(out[i].Response)
	}
	return out
}

// WaitDeliveries waits for the outgoing webhook calls started by API
// requests (which run in the background, as in Rocket.Chat) to finish,
// retries and replies included.
func (s *Server) WaitDeliveries() { s.inflight.Wait() }

// dispatch starts the calls in the background. Call without s.mu.
func (s *Server) dispatch(jobs []*job) {
	for _, j := range jobs {
		s.inflight.Add(1)
		go func() {
			defer s.inflight.Done()
			s.run(j)
		}()
	}
}

// runNow makes the calls one after the other before returning, as the
// actors do so that a test sees the reply as soon as they return. Call
// without s.mu.
func (s *Server) runNow(jobs []*job) {
	for _, j := range jobs {
		s.run(j)
	}
}

package rctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Delivery is one outgoing webhook call the fake made.
type Delivery struct {
	URL         string
	Attempt     int    // 0 for the first call, n for the nth retry
	Body        []byte // the JSON sent
	Status      int    // 0 when the call failed at the transport level
	ContentType string
	Response    []byte
	// Err is a transport error (never retried, as in Rocket.Chat), or why
	// the reply could not be posted.
	Err error
	// ReplyID is the message posted from the answer, if any.
	ReplyID string
	// Disabled says this answer (410 Gone with a body) disabled the
	// integration.
	Disabled bool
}

// userAgent is browser-like, as Rocket.Chat's outgoing requests are.
const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"

// maxReplyDepth stops an integration that keeps answering its own
// replies; Rocket.Chat would loop for ever.
const maxReplyDepth = 10

// run makes one call and its retries, then posts the reply. It follows
// triggerHandler.executeTriggerUrl: a reply is read only from a 200/201/
// 202 JSON (or JavaScript) answer with text or attachments; an empty body
// or another status is retried when the integration says so — except 410
// with a body, which disables the integration, and 500 with a body. Call
// without s.mu.
func (s *Server) run(j *job) {
	for {
		s.mu.Lock()
		live := s.outgoing != nil && !s.outgoing.Disabled && s.integration == j.integration
		s.mu.Unlock()
		if !live {
			return
		}
		if j.depth > maxReplyDepth {
			s.addDelivery(Delivery{URL: j.url, Body: j.body, Err: fmt.Errorf("rctest: outgoing webhook loop stopped after %d replies", maxReplyDepth)})
			return
		}
		d := Delivery{URL: j.url, Attempt: j.tries, Body: j.body}
		req, err := http.NewRequest(http.MethodPost, j.url, bytes.NewReader(j.body))
		if err != nil {
			d.Err = err
			s.addDelivery(d)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", userAgent)
		resp, err := s.opts.WebhookClient.Do(req)
		if err != nil {
			d.Err = err
			s.addDelivery(d)
			return
		}
		content, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		d.Status, d.ContentType, d.Response = resp.StatusCode, resp.Header.Get("Content-Type"), content
		ok := slices.Contains([]int{200, 201, 202}, resp.StatusCode)
		if len(content) == 0 || !ok {
			if len(content) > 0 && resp.StatusCode == http.StatusGone {
				s.mu.Lock()
				if s.outgoing != nil && s.integration == j.integration {
					s.outgoing.Disabled = true
				}
				s.mu.Unlock()
				d.Disabled = true
				s.addDelivery(d)
				return
			}
			if len(content) > 0 && resp.StatusCode == http.StatusInternalServerError {
				s.addDelivery(d)
				return
			}
			s.addDelivery(d)
			wait, again := retryWait(j.cfg, j.tries)
			if !again {
				return
			}
			s.opts.Sleep(wait)
			j.tries++
			continue
		}
		nested := s.reply(j, &d, content)
		s.addDelivery(d)
		for _, n := range nested {
			n.depth = j.depth + 1
			s.run(n)
		}
		return
	}
}

// retryWait is the delay before retry number tries+1, if any.
func retryWait(cfg OutgoingWebhook, tries int) (time.Duration, bool) {
	if !cfg.RetryFailedCalls || cfg.RetryCount <= 0 || tries >= cfg.RetryCount {
		return 0, false
	}
	switch cfg.RetryDelay {
	case "powers-of-ten":
		return time.Duration(math.Pow(10, float64(tries+2))) * time.Millisecond, true
	case "powers-of-two":
		return time.Duration(math.Pow(2, float64(tries+1))) * time.Second, true
	case "increments-of-two":
		return time.Duration(tries+1) * 2 * time.Second, true
	}
	return 0, false
}

// replyBody is what an integration may answer.
type replyBody struct {
	Text        string          `json:"text"`
	Msg         string          `json:"msg"`
	Attachments json.RawMessage `json:"attachments"`
	Alias       string          `json:"alias"`
	Emoji       string          `json:"emoji"`
	Avatar      string          `json:"avatar"`
	Channel     string          `json:"channel"`
	TMID        string          `json:"tmid"`
	Custom      json.RawMessage `json:"customFields"`
	list        []json.RawMessage
}

// reply posts the answer's text/attachments as the integration's user
// into the room (or the answer's channel) and returns the calls that
// message causes in turn. A body whose Content-Type is not JSON or
// JavaScript is ignored, even if it is JSON.
func (s *Server) reply(j *job, d *Delivery, content []byte) []*job {
	ct := strings.TrimSpace(strings.SplitN(d.ContentType, ";", 2)[0])
	if !slices.Contains([]string{"application/json", "text/javascript", "application/javascript", "application/x-javascript"}, ct) {
		return nil
	}
	var rb replyBody
	if json.Unmarshal(content, &rb) != nil {
		return nil
	}
	text := rb.Text
	if text == "" {
		text = rb.Msg
	}
	hasAtt := len(rb.Attachments) > 0 && string(rb.Attachments) != "null"
	if text == "" && !hasAtt {
		return nil
	}
	if hasAtt && json.Unmarshal(rb.Attachments, &rb.list) != nil {
		d.Err = fmt.Errorf("reply: attachments is not an array")
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	poster := s.userByName(j.cfg.Username)
	if poster == nil {
		d.Err = fmt.Errorf("reply: the user %q doesn't exist", j.cfg.Username)
		return nil
	}
	r := s.roomByID(j.roomID)
	if rb.Channel != "" {
		if to := s.resolveChannel(rb.Channel); to != nil {
			r = to
		}
	}
	if r == nil {
		d.Err = fmt.Errorf("reply: the room is gone")
		return nil
	}
	s.joinPublic(poster, r)
	var f fx
	m, err := s.send(&f, poster, r, draft{
		text: text, attachments: rb.list, tmid: rb.TMID, webhook: true, bot: j.integration, custom: rb.Custom,
		alias: orString(rb.Alias, j.cfg.Alias), emoji: orString(rb.Emoji, j.cfg.Emoji), avatar: orString(rb.Avatar, j.cfg.Avatar),
	})
	if err != nil {
		d.Err = fmt.Errorf("reply: %w", err)
		return nil
	}
	d.ReplyID = m.id
	return f.jobs
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) addDelivery(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// chaosClient sends requests to the replicas as a load balancer in front
// of them would: request i goes to replica i mod n; a refused or cut-off
// connection or a 5xx answer goes on to the next replica, round and round,
// until one answers below 500 or a minute has passed.
type chaosClient struct {
	rs     *replicaSet
	http   *http.Client
	resent *atomic.Int64
}

func newChaosClient(rs *replicaSet, resent *atomic.Int64) *chaosClient {
	return &chaosClient{rs: rs, resent: resent, http: &http.Client{Timeout: 20 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}}}
}

// post sends body to path; code (if not nil) gets the final status, and
// without it anything but 2xx is an error.
func (c *chaosClient) post(i int, path, auth string, body []byte, code *int) error {
	n := len(c.rs.slots)
	deadline := time.Now().Add(time.Minute)
	var last string
	for try := 0; ; try++ {
		if time.Now().After(deadline) {
			return fmt.Errorf("POST %s: no replica took it within a minute; last: %s", path, last)
		}
		if try > 0 {
			c.resent.Add(1)
			if try%n == 0 {
				time.Sleep(10 * time.Millisecond) // a sender's retry interval once every replica refused, not a wait on the system
			}
		}
		req, err := http.NewRequest(http.MethodPost, c.rs.url((i+try)%n)+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		resp, err := c.http.Do(req)
		if err != nil {
			last = err.Error()
			continue
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode >= 500 {
			last = fmt.Sprintf("%s %s (%v)", resp.Status, bytes.TrimSpace(data), err)
			continue
		}
		if code != nil {
			*code = resp.StatusCode
			return nil
		}
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("POST %s: %s %s", path, resp.Status, bytes.TrimSpace(data))
		}
		return nil
	}
}

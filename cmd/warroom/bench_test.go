package main

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkAlertmanagerHook measures the webhook path end to end over
// loopback HTTP into SQLite: "new" opens an incident per request (with its
// three jobs), "repeat" is the same group again (deduplicated).
func BenchmarkAlertmanagerHook(b *testing.B) {
	body := readTestdata(b, "alertmanager-0.31.1-firing.json")
	for _, mode := range []string{"new", "repeat"} {
		b.Run(mode, func(b *testing.B) {
			cfg := testConfig(b)
			cfg.Log.Level = "error"
			h := startHarness(b, cfg)
			client := &http.Client{}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				payload := body
				if mode == "new" {
					payload = bytes.Replace(body, []byte(`"groupKey": "{}:{alertname=\"HighLatency\"}"`),
						fmt.Appendf(nil, `"groupKey": "{}:{alertname=\"HighLatency\", n=\"%d\"}"`, i), 1)
				}
				req, _ := http.NewRequest("POST", h.URL+"/hooks/alertmanager", bytes.NewReader(payload))
				req.Header.Set("Authorization", "Bearer "+testAMToken)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

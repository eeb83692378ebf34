// Package pdtest is a stateful fake of PagerDuty's Events API v2 (POST
// /v2/enqueue) for tests, since PagerDuty itself cannot run here. It follows
// /work/shared/contracts/alerting.md §5:
//
//   - the body is validated as PagerDuty does, and every problem found is
//     listed in a 400 answer {"status":"invalid event","message":"Event
//     object is invalid","errors":[...]};
//   - only registered routing keys are accepted (Options.RoutingKeys,
//     default DefaultRoutingKey); another well-formed key gets 400 "Invalid
//     routing key";
//   - alerts are kept per routing key and dedup_key: a trigger opens one, or
//     adds to the open one; acknowledge and resolve move it along; acknowledge
//     or resolve of an unknown or resolved key is accepted (202) and dropped;
//     a trigger after resolve opens a new alert;
//   - success is 202 {"status":"success","message":"Event processed",
//     "dedup_key":...}, with a generated key when the trigger had none.
//
// Unlike PagerDuty the fake works synchronously: once 202 is answered the
// alert is in its final state, so tests need not poll.
//
//	srv := pdtest.New(t)
//	c, _ := pagerduty.New(pagerduty.Config{URL: srv.URL(), RoutingKey: pdtest.DefaultRoutingKey}, nil)
//	...
//	v, ok := srv.Incident("inc-42") // v.Status == pdtest.StatusTriggered
//
// Failures are injected with FailNext, RateLimitNext and SetDown.
package pdtest

// Package incident is warroom's domain: incidents, their severity and status
// transitions, the timeline, alerts as they arrive from any source, the durable
// jobs that carry every outside side effect, and the Service that runs the
// workflow. It imports the standard library only; stores, chat backends and
// ticket systems plug in through the small interfaces declared here.
package incident

// Package prometheus turns an alert into the graphs a responder sees first:
// it finds the PromQL behind an alert (the generator URL or the
// warroom_graph annotation), strips the alert's threshold so the graph shows
// the underlying values, fetches them with the HTTP API's query_range, and
// renders a PNG for the incident channel.
//
// The wire types of Prometheus's API stay inside this package; callers see
// Series, Point and Graph, and errors of the domain's kinds (see
// incident.Errorf).
package prometheus

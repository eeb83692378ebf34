package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// loadOptions is what `warroom load` was asked to do.
type loadOptions struct {
	URL          string        // the warroom to load, e.g. http://localhost:8080, or replicas a,b,c
	Token        string        // the Alertmanager hook's bearer token
	APIToken     string        // the JSON API's token, to wait for channels
	N            int           // notifications to send
	Groups       int           // alert groups they are spread over
	Senders      int           // concurrent senders
	ResolveEvery int           // every n-th repeat of a group is resolved (0: none)
	Floor        bool          // also run the same load against the floor handler
	Wait         time.Duration // how long to wait for channels and welcome posts (0: do not wait)
	Run          string        // the run's label, to find its incidents
}

const loadUsage = `Usage: warroom load [flags]

Sends N Alertmanager webhook notifications over M alert groups from C
concurrent senders to a running warroom (every n-th repeat of a group is a
resolution, the next one fires again), prints accepted/s, p50/p99 and the
errors, then waits until every incident of the run has its channel and its
welcome post (read from the JSON API) and prints how long that took after
the last notification was accepted.

With -floor it first sends the same load to a floor handler served in this
process (the same route, the same decoding into the same structs, 202 and no
store) and prints the ratio, so that both are measured side by side.

Tokens come from the flags or from WARROOM_SOURCES_ALERTMANAGER_TOKEN and
WARROOM_API_TOKEN. The hook token is required (a hook without its secret is
off); the API token only when warroom has one (on loopback with no api.token
the API is open). The exit code is 1 when a notification failed, the
number of incidents is not the number of groups, or the wait timed out.

Flags:
`

// runLoad is `warroom load`.
func runLoad(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	env := envMap(environ)
	var o loadOptions
	fs := flag.NewFlagSet("warroom load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, loadUsage); fs.PrintDefaults() }
	fs.StringVar(&o.URL, "url", "http://localhost:8080", "base URL of the warroom to load; several replicas comma-separated get the notifications round-robin (the i-th to replica i mod n), so a group's repeats land on different replicas")
	fs.StringVar(&o.Token, "token", env["WARROOM_SOURCES_ALERTMANAGER_TOKEN"], "bearer token of /hooks/alertmanager (default $WARROOM_SOURCES_ALERTMANAGER_TOKEN)")
	fs.StringVar(&o.APIToken, "api-token", env["WARROOM_API_TOKEN"], "token of the JSON API, to wait for channels (default $WARROOM_API_TOKEN)")
	fs.IntVar(&o.N, "n", 10000, "notifications to send")
	fs.IntVar(&o.Groups, "groups", 1000, "alert groups (incidents) they are spread over")
	fs.IntVar(&o.Senders, "c", 50, "concurrent senders")
	fs.IntVar(&o.ResolveEvery, "resolve-every", 10, "every n-th repeat of a group is resolved; 0: never")
	fs.BoolVar(&o.Floor, "floor", false, "first run the same load against an in-process floor handler and print the ratio")
	fs.DurationVar(&o.Wait, "wait", 5*time.Minute, "how long to wait for every channel and welcome post; 0: do not wait")
	fs.StringVar(&o.Run, "run", "", "label of this run (default: load- and the time)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "warroom load: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if o.Run == "" {
		o.Run = "load-" + time.Now().UTC().Format("20060102T150405.000")
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(stderr, "warroom load: %v\n", err)
		return 2
	}
	ok, err := loadRun(ctx, o, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "warroom load: %v\n", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

func (o loadOptions) check() error {
	switch {
	case o.N < 1 || o.Groups < 1 || o.Senders < 1:
		return fmt.Errorf("-n, -groups and -c must be at least 1")
	case o.Groups > o.N:
		return fmt.Errorf("-groups %d is more than -n %d: every group needs a notification", o.Groups, o.N)
	case o.ResolveEvery < 0:
		return fmt.Errorf("-resolve-every must be 0 or more")
	case o.Token == "":
		return fmt.Errorf("no hook token: give -token or set WARROOM_SOURCES_ALERTMANAGER_TOKEN (the value of sources.alertmanager.token; make one with `warroom secret` and start warroom with it)")
	}
	for _, u := range o.urls() {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return fmt.Errorf("-url %q: give the base URL, e.g. http://localhost:8080 (or several, comma-separated)", u)
		}
	}
	return nil
}

// urls are the base URLs of -url, without trailing slashes: one warroom, or
// its replicas.
func (o loadOptions) urls() []string {
	var out []string
	for _, u := range strings.Split(o.URL, ",") {
		out = append(out, strings.TrimRight(strings.TrimSpace(u), "/"))
	}
	return out
}

// loadRun runs the load and reports whether every check passed.
func loadRun(ctx context.Context, o loadOptions, out io.Writer) (bool, error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: o.Senders + 8, MaxIdleConnsPerHost: o.Senders + 8, IdleConnTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	fmt.Fprintf(out, "warroom load %s: %d notifications over %d groups from %d senders, every %d. repeat resolved\n",
		o.Run, o.N, o.Groups, o.Senders, o.ResolveEvery)
	var floor *sendStats
	if o.Floor {
		url, stop, err := serveFloor(o.Token)
		if err != nil {
			return false, err
		}
		fo := o
		fo.URL, fo.Run = url, o.Run+"-floor"
		floor = send(ctx, client, fo, out, "floor")
		stop()
		fmt.Fprintln(out, floor.line("floor"))
	}
	st := send(ctx, client, o, out, "warroom")
	fmt.Fprintln(out, st.line("warroom"))
	if floor != nil {
		fmt.Fprintf(out, "ratio: warroom accepts at %.2fx the floor's rate; p50 %.1fx, p99 %.1fx the floor's\n",
			st.rate()/floor.rate(), ratio(st.quantile(0.50), floor.quantile(0.50)), ratio(st.quantile(0.99), floor.quantile(0.99)))
	}
	ok := st.errors == 0
	for _, e := range st.samples {
		fmt.Fprintf(out, "  error: %s\n", e)
	}
	if created := len(st.incidents); created != o.Groups {
		fmt.Fprintf(out, "incidents: %d created, want %d (one per group)\n", created, o.Groups)
		ok = false
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if o.Wait <= 0 {
		return ok, nil
	}
	w := &waiter{client: client, base: o.urls()[0], token: o.APIToken, out: out} // every replica answers alike
	n, err := w.countRun(ctx, o.Run)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "incidents: %d of run %s in the API, want %d\n", n, o.Run, o.Groups)
	if n != o.Groups {
		ok = false
	}
	took, err := w.waitReady(ctx, st.keys(), st.last, o.Wait)
	if err != nil {
		fmt.Fprintf(out, "channels: %v\n", err)
		return false, nil
	}
	fmt.Fprintf(out, "channels: every incident has its channel and welcome post %.1fs after the last notification was accepted\n", took.Seconds())
	return ok, nil
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// envMap turns KEY=value pairs into a map.
func envMap(environ []string) map[string]string {
	m := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// acceptUncounted is `warroom accept-uncounted`: an operator's signed
// acceptance, on the incident's timeline, that the archive may pass its
// completeness check short of the chat server's count by up to -count
// messages (Mattermost posts deleted out of the API's reach). It changes
// no channel: the next check reads it.
func acceptUncounted(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("warroom accept-uncounted", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path of the YAML config file (default: none, the embedded default)")
	key := fs.String("incident", "", "the incident, by key (INC-12)")
	n := fs.Int("count", 0, "how many messages short the check may be: the shortfall it named on the timeline")
	by := fs.String("by", "", "who accepts (recorded on the timeline)")
	reason := fs.String("reason", "", "why (recorded on the timeline), for example: posts deleted in the channel")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "warroom accept-uncounted: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	id, err := incident.ParseKey(*key)
	if err != nil {
		fmt.Fprintf(stderr, "warroom accept-uncounted: -incident %q: %v\n", *key, incident.ErrorMessage(err))
		return 2
	}
	cfg, _, err := loadConfig(*configPath, environ)
	if err != nil {
		fmt.Fprintf(stderr, "warroom accept-uncounted: %v\n", err)
		return 1
	}
	clock := incident.SystemClock{}
	db, err := openStore(ctx, cfg.Store, clock)
	if err != nil {
		fmt.Fprintf(stderr, "warroom accept-uncounted: %v\nstore.dsn must be the store of the running warroom\n", err)
		return 1
	}
	defer db.Close()
	inc, err := db.Incident(ctx, id)
	if err == nil {
		svc := incident.NewService(incident.Deps{Store: db, Clock: clock}) // writes the event on the timeline
		err = archive.AcceptUncounted(ctx, db, svc, inc, *n, *by, *reason, clock.Now())
	}
	if err != nil {
		fmt.Fprintf(stderr, "warroom accept-uncounted: %s\n", incident.ErrorMessage(err))
		if incident.ErrorKind(err) == incident.KindInvalid {
			return 2
		}
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s accepts up to %d uncounted messages (on the timeline). The archive passes at its next check: retry its parked job (POST /api/v1/jobs/{id}/retry) or wait for the retry.\n", inc.Key, *by, *n)
	return 0
}

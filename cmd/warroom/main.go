// Command warroom gives every incident its own chat channel and keeps its
// record afterwards. Subcommands: serve, check-config, oncall, load,
// accept-uncounted, store copy, secret, version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

const usage = `warroom: every incident gets its own chat channel, and its record is kept.

Usage:
  warroom serve [-config FILE]          run the service (no config: the embedded default)
  warroom check-config [-config FILE] [-probe]
                                        check a configuration and print what it resolves to;
                                        -probe also tries to reach each configured peer
  warroom oncall [-config FILE] [-at T] who is on call now (or at T) and next, per schedule
  warroom secret                        print a random token for a secret key (api.token, ...)
  warroom load [-url URL] [-n N] [-groups M] [-c C] [-floor]
                                        send an alert storm to a running warroom and time it
  warroom accept-uncounted -incident KEY -count N -by NAME -reason TEXT [-config FILE]
                                        accept, on the timeline, an archive short of the chat
                                        server's count by up to N (deleted posts out of reach)
  warroom store copy -from FILE -to URL copy a SQLite installation (stopped) into an empty
                                        PostgreSQL database, ids kept, in one transaction
  warroom gen-archive [-config FILE] [-incidents N] [-seed S]
                                        add N generated archived incidents to the store
                                        (for the search benchmark, docs/benchmarks.md)
  warroom version                       print the version

Every config key can be set by an environment variable: WARROOM_ + the key path
in upper case joined by "_" (chat.backend -> WARROOM_CHAT_BACKEND).
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "warroom %s\n", version)
		return 0
	case "secret":
		return printSecret(stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "load":
		return runLoad(ctx, args[1:], environ, stdout, stderr)
	case "accept-uncounted":
		return acceptUncounted(ctx, args[1:], environ, stdout, stderr)
	case "store":
		return storeCommand(ctx, args[1:], stdout, stderr)
	case "gen-archive":
		return genArchive(ctx, args[1:], environ, stdout, stderr)
	case "serve", "check-config", "oncall":
	default:
		fmt.Fprintf(stderr, "warroom: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	fs := flag.NewFlagSet("warroom "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path of the YAML config file (default: none, the embedded default)")
	// Each command gets only its own flags, so that --help lists what it takes.
	var atFlag, cpuProfile *string
	var probe *bool
	switch args[0] {
	case "oncall":
		atFlag = fs.String("at", "", "the time to ask about, RFC 3339 (default: now)")
	case "serve":
		cpuProfile = fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) to this file until shutdown")
	case "check-config":
		probe = fs.Bool("probe", false, "also try to reach each configured peer (chat, tickets, sources, graphs, paging)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "warroom %s: unexpected argument %q\n", args[0], fs.Arg(0))
		return 2
	}
	cfg, unknown, err := loadConfig(*configPath, environ)
	if err != nil {
		fmt.Fprintf(stderr, "warroom: %v\nFix the config (every key is explained in warroom.example.yaml), then run `warroom check-config -config FILE`.\n", err)
		return 1
	}
	for _, name := range unknown {
		fmt.Fprintf(stderr, "warroom: warning: environment variable %s names no config key%s; ignored\n", name, envSuggestion(name))
	}
	switch args[0] {
	case "check-config":
		return checkConfig(ctx, cfg, *configPath, *probe, stdout)
	case "oncall":
		return printOnCall(cfg, *atFlag, stdout, stderr)
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "warroom: %v\n", err)
			return 1
		}
		defer stop()
	}
	m, err := NewMain(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "warroom: %v\n", err)
		return 1
	}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "warroom: %v\n", err)
		m.Close()
		return 1
	}
	if err := m.Close(); err != nil {
		fmt.Fprintf(stderr, "warroom: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// printOnCall is `warroom oncall`: who is on call at (default now) and next.
func printOnCall(cfg Config, atFlag string, stdout, stderr io.Writer) int {
	sched, err := cfg.Paging.schedules()
	if err != nil {
		fmt.Fprintf(stderr, "warroom oncall: %v\n", err)
		return 1
	}
	at := time.Now()
	if atFlag != "" {
		if at, err = time.Parse(time.RFC3339, atFlag); err != nil {
			fmt.Fprintf(stderr, "warroom oncall: -at %q: write a time like 2026-11-22T09:00:00+01:00\n", atFlag)
			return 2
		}
	}
	fmt.Fprint(stdout, sched.Describe(at))
	return 0
}

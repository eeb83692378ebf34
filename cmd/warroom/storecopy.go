package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/sqlite"
)

// copyTarget is a store that fills itself from a source: the PostgreSQL
// store's Import.
type copyTarget interface {
	Import(ctx context.Context, src postgres.Source, progress postgres.Progress) error
	// IndexPending builds the search index of what was copied.
	IndexPending(ctx context.Context, log *slog.Logger) error
	Close() error
}

// copySource is a store read whole for a copy: the SQLite store's Export.
type copySource interface {
	postgres.Source
	Close() error
}

// storeCommand is `warroom store SUBCOMMAND`.
func storeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "copy" {
		fmt.Fprintf(stderr, "warroom store: give a subcommand: copy\n\n%s", usage)
		return 2
	}
	return storeCopy(ctx, args[1:], stdout, stderr)
}

// storeCopy is `warroom store copy -from FILE -to URL`: it moves a SQLite
// installation into an empty PostgreSQL database, every row with its id,
// in one transaction on the target.
func storeCopy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("warroom store copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the SQLite file to copy from (store.dsn of the SQLite installation); stop warroom first")
	to := fs.String("to", "", "the empty PostgreSQL database to copy into, postgres://user@host:5432/db?sslmode=... (the password may come from PGPASSWORD)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "warroom store copy: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if msg := copyFlagProblem(*from, *to); msg != "" {
		fmt.Fprintf(stderr, "warroom store copy: %s\n", msg)
		return 2
	}
	start := time.Now()
	clock := incident.SystemClock{}
	src, err := openCopySource(ctx, *from, clock)
	if err != nil {
		fmt.Fprintf(stderr, "warroom store copy: %v\n", err)
		return 1
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, *to, clock)
	if err != nil {
		fmt.Fprintf(stderr, "warroom store copy: open the PostgreSQL database %s: %v\nCheck -to, that PostgreSQL is up and that the user may create tables in that database; nothing was copied.\n",
			maskDSN(*to), err)
		return 1
	}
	defer dst.Close()
	n, err := runCopy(ctx, src, dst, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "warroom store copy: %v\nNothing was written to %s: the copy is one transaction. Fix the cause and run store copy again.\n",
			err, maskDSN(*to))
		return 1
	}
	fmt.Fprintln(stderr, "warroom store copy: building the search index of the copy:")
	if err := dst.IndexPending(ctx, slog.New(slog.NewTextHandler(stderr, nil))); err != nil {
		fmt.Fprintf(stderr, "warroom store copy: the rows are copied, but %v\nwarroom builds the rest of the index when it starts on %s.\n", err, maskDSN(*to))
		return 1
	}
	fmt.Fprintf(stdout, "copied %d rows from %s to %s in %v.\nNow set store.driver: postgres and store.dsn to that database (the password in WARROOM_STORE_DSN) and start warroom there; keep %s as it is until the new installation runs.\n",
		n, *from, maskDSN(*to), time.Since(start).Round(time.Millisecond), *from)
	return 0
}

// copyFlagProblem says what is wrong with -from and -to, or "".
func copyFlagProblem(from, to string) string {
	switch {
	case from == "" || to == "":
		return "give both -from FILE (the SQLite file) and -to URL (the empty PostgreSQL database)"
	case strings.Contains(from, "://"):
		return fmt.Sprintf("-from %s: give the SQLite file's path; copying from PostgreSQL is not supported", maskDSN(from))
	}
	if probs := postgresDSNProblems(to); len(probs) > 0 {
		return "-to " + strings.Join(probs, "; ")
	}
	return ""
}

// openCopySource opens the SQLite file for the copy: it must exist (Open
// would make a new, empty one), and is brought to this version's schema
// first, as serve would.
func openCopySource(ctx context.Context, path string, clock incident.Clock) (copySource, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no SQLite database at %s (%v); give -from the path of warroom's file (store.dsn of that installation)", path, err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file; give -from the path of warroom's SQLite file", path)
	} else if fi.Size() == 0 {
		// SQLite would take it for a new database and copy nothing.
		return nil, fmt.Errorf("%s is empty, not a warroom database; give -from the path of warroom's SQLite file", path)
	}
	db, err := sqlite.Open(ctx, path, clock)
	if err != nil {
		return nil, fmt.Errorf("open the SQLite database %s: %w; check that -from is warroom's SQLite file and that it is readable and writable", path, err)
	}
	exp, err := db.Export(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read the SQLite database %s: %w", path, err)
	}
	return sqliteSource{Export: exp, db: db}, nil
}

// sqliteSource is an export with the database it reads.
type sqliteSource struct {
	*sqlite.Export
	db *sqlite.DB
}

func (s sqliteSource) Close() error { return errors.Join(s.Export.Close(), s.db.Close()) }

// runCopy imports src into dst, printing each table's progress to w, and
// returns the rows copied.
func runCopy(ctx context.Context, src copySource, dst copyTarget, w io.Writer) (int64, error) {
	var rows int64
	var last time.Time
	progress := func(table string, copied, total int64) {
		if copied == total {
			rows += total
			fmt.Fprintf(w, "  %s: %d/%d rows\n", table, copied, total)
			return
		}
		if time.Since(last) >= time.Second {
			last = time.Now()
			fmt.Fprintf(w, "  %s: %d/%d rows...\n", table, copied, total)
		}
	}
	fmt.Fprintln(w, "warroom store copy: copying, per table (rows copied/total):")
	if err := dst.Import(ctx, src, progress); err != nil {
		return 0, err
	}
	return rows, nil
}
